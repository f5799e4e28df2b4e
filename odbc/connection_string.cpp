#include "odbc/connection_string.h"
#include "common/text.h"

#include <cctype>

namespace backflow::odbc {

namespace {

std::string trim(std::string_view s) { return text::trim(s, /*all_space=*/true); }

}  // namespace

std::vector<ConnectionAttribute> parse_connection_string(std::string_view s) {
  std::vector<ConnectionAttribute> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t eq = s.find_first_of("=;", i);
    if (eq == std::string_view::npos || s[eq] == ';') {
      const std::size_t end = eq == std::string_view::npos ? s.size() : eq;
      std::string key = trim(s.substr(i, end - i));
      if (!key.empty()) out.push_back({std::move(key), "", end, end});
      i = end + 1;
      continue;
    }
    ConnectionAttribute attr{trim(s.substr(i, eq - i)), "", eq + 1, eq + 1};
    std::size_t j = eq + 1;
    while (j < s.size() && s[j] == ' ') ++j;
    if (j < s.size() && s[j] == '{') {
      std::size_t k = j + 1;
      while (k < s.size()) {
        if (s[k] == '}') {
          if (k + 1 < s.size() && s[k + 1] == '}') {
            attr.value += '}';
            k += 2;
            continue;
          }
          break;
        }
        attr.value += s[k++];
      }
      attr.value_begin = j;
      attr.value_end = k < s.size() ? k + 1 : s.size();
      const std::size_t semi = s.find(';', attr.value_end);
      i = semi == std::string_view::npos ? s.size() : semi + 1;
    } else {
      const std::size_t semi = s.find(';', eq + 1);
      const std::size_t end = semi == std::string_view::npos ? s.size() : semi;
      attr.value = trim(s.substr(eq + 1, end - eq - 1));
      attr.value_end = end;
      i = end + 1;
    }
    out.push_back(std::move(attr));
  }
  return out;
}

std::optional<std::string> find_attribute(std::string_view connection_string, std::string_view key) {
  for (auto& attr : parse_connection_string(connection_string)) {
    if (text::iequals(attr.key, key)) return attr.value;
  }
  return std::nullopt;
}

std::string with_default_attribute(std::string connection_string, std::string_view key, std::string_view value) {
  if (find_attribute(connection_string, key)) return connection_string;
  if (!connection_string.empty() && connection_string.back() != ';') connection_string += ';';
  connection_string += key;
  connection_string += '=';
  connection_string += value;
  connection_string += ';';
  return connection_string;
}

std::string with_attribute(std::string connection_string, std::string_view key, std::string_view value) {
  for (const auto& attr : parse_connection_string(connection_string)) {
    if (!text::iequals(attr.key, key)) continue;
    connection_string.replace(attr.value_begin, attr.value_end - attr.value_begin, value);
    return connection_string;
  }
  return with_default_attribute(std::move(connection_string), key, value);
}

}  // namespace backflow::odbc
