#include "service/config/raw_text_checks.h"

#include "common/utf8.h"

#include <cstdio>

namespace backflow::config {
namespace {

std::string human_size(std::uintmax_t bytes) {
  char text[32];
  const double mib = static_cast<double>(bytes) / (1024.0 * 1024.0);
  if (mib >= 1.0) {
    std::snprintf(text, sizeof text, "%.1f MiB", mib);
  } else {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  }
  return text;
}

}  // namespace

std::string size_limit_message(std::uintmax_t size, std::uintmax_t limit) {
  if (size <= limit) return "";
  std::string limit_text =
      limit % (1024 * 1024) == 0 ? std::to_string(limit / (1024 * 1024)) + " MiB" : human_size(limit);
  return "config file is " + human_size(size) + "; the limit is " + limit_text;
}

std::vector<Diagnostic> check_raw_text(std::string_view text, const std::string& file) {
  std::vector<Diagnostic> found;
  int line = 1, column = 1;
  bool in_indentation = true;
  bool encoding_reported = false;
  std::size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // a UTF-8 byte order mark is fine
  while (i < text.size()) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    // YAML text may hold no control characters besides tab, LF and CR.
    if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7F) {
      if (!encoding_reported) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(byte));
        found.push_back({{file, line, column},
                         "",
                         std::string("config file contains binary data (control byte ") + hex + "); expected YAML text",
                         ""});
        encoding_reported = true;
      }
    }
    std::size_t length = text::valid_utf8_sequence_length(text, i);
    if (length == 0) {
      if (!encoding_reported) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
        found.push_back({{file, line, column},
                         "",
                         std::string("config file is not valid UTF-8 (byte ") + hex + "); expected YAML text",
                         ""});
        encoding_reported = true;
      }
      length = 1;
    }
    if (c == '\n') {
      ++line;
      column = 1;
      in_indentation = true;
      i += 1;
      continue;
    }
    if (in_indentation && c == '\t') {
      // Only when the line has content: trailing tabs on blank lines are harmless.
      std::size_t end = text.find('\n', i);
      std::string_view rest = text.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
      if (rest.find_first_not_of(" \t\r") != std::string_view::npos) {
        found.push_back({{file, line, column}, "", "tab character in indentation; YAML allows spaces only", ""});
      }
      in_indentation = false;
    } else if (c != ' ') {
      in_indentation = false;
    }
    ++column;
    i += length;
  }
  return found;
}

bool is_blank_yaml(std::string_view text) {
  bool in_comment = false;
  for (char c : text) {
    if (c == '\n') {
      in_comment = false;
    } else if (c == '#') {
      in_comment = true;
    } else if (!in_comment && c != ' ' && c != '\t' && c != '\r') {
      return false;
    }
  }
  return true;
}

}  // namespace backflow::config
