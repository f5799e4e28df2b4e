#include "diff/odbc/utf16.h"

namespace backflow::odbc {

namespace {

void append_code_point(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_high_surrogate(char16_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool is_low_surrogate(char16_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

}  // namespace

void append_utf16_as_utf8(const char16_t* data, std::size_t units, std::string& out) {
  out.reserve(out.size() + units);
  for (std::size_t i = 0; i < units; ++i) {
    const char16_t u = data[i];
    if (is_high_surrogate(u) && i + 1 < units && is_low_surrogate(data[i + 1])) {
      append_code_point(0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) + (data[i + 1] - 0xDC00), out);
      ++i;
    } else if (is_high_surrogate(u) || is_low_surrogate(u)) {
      append_code_point(0xFFFD, out);
    } else {
      append_code_point(u, out);
    }
  }
}

}  // namespace backflow::odbc
