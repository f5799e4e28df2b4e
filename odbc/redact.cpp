#include "odbc/redact.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "odbc/connection_string.h"
#include "common/text.h"

namespace backflow::odbc {

bool is_secret_key(std::string_view key) {
  const std::string lower = text::lower(key);
  if (lower == "pwd") return true;
  static constexpr std::array<std::string_view, 4> kMarkers{"pass", "secret", "token", "key"};
  return std::any_of(kMarkers.begin(), kMarkers.end(),
                     [&](std::string_view m) { return lower.find(m) != std::string::npos; });
}

std::string redact_connection_string(std::string_view connection_string) {
  std::string out;
  std::size_t copied = 0;
  for (const auto& attr : parse_connection_string(connection_string)) {
    if (!is_secret_key(attr.key) || attr.value_begin == attr.value_end) continue;
    out.append(connection_string.substr(copied, attr.value_begin - copied));
    out += "***";
    copied = attr.value_end;
  }
  out.append(connection_string.substr(copied));
  return out;
}

std::vector<std::string> secret_values(std::string_view connection_string) {
  std::vector<std::string> out;
  for (auto& attr : parse_connection_string(connection_string)) {
    if (is_secret_key(attr.key) && !attr.value.empty()) out.push_back(attr.value);
  }
  return out;
}

std::string scrub_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (std::size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
      text.replace(pos, secret.size(), "***");
    }
  }
  return text;
}

}  // namespace backflow::odbc
