#include "odbc/utf16.h"

#include "common/utf8.h"

namespace backflow::odbc {

namespace {

bool is_high_surrogate(char16_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool is_low_surrogate(char16_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

}  // namespace

void append_utf16_as_utf8(const char16_t* data, std::size_t units, std::string& out) {
  out.reserve(out.size() + units);
  for (std::size_t i = 0; i < units; ++i) {
    const char16_t u = data[i];
    if (is_high_surrogate(u) && i + 1 < units && is_low_surrogate(data[i + 1])) {
      text::append_utf8(0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) + (data[i + 1] - 0xDC00), out);
      ++i;
    } else if (is_high_surrogate(u) || is_low_surrogate(u)) {
      text::append_utf8(0xFFFD, out);
    } else {
      text::append_utf8(u, out);
    }
  }
}

}  // namespace backflow::odbc
