#include "service/config/redaction.h"

#include <algorithm>
#include <cctype>

namespace backflow::config {
namespace {

bool is_secret_attribute(std::string key) {
  for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : {"pwd", "password", "token", "secret", "key"}) {
    if (key.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

nlohmann::json redacted_options(const Destination& destination) {
  nlohmann::json options = destination.options;
  for (const auto& key : destination.secret_keys) {
    if (options.contains(key)) options[key] = kRedacted;
  }
  return options;
}

std::string redacted_connection_string(const std::string& connection) {
  std::string out;
  std::size_t i = 0;
  while (i < connection.size()) {
    std::size_t eq = connection.find('=', i);
    if (eq == std::string::npos) {
      out += connection.substr(i);
      break;
    }
    const std::string key = connection.substr(i, eq - i);
    std::size_t value_end = 0;
    if (eq + 1 < connection.size() && connection[eq + 1] == '{') {
      // ODBC braced values run to the matching '}' ("}}" is an escaped brace).
      std::size_t k = eq + 2;
      while (k < connection.size()) {
        if (connection[k] == '}') {
          if (k + 1 < connection.size() && connection[k + 1] == '}') {
            k += 2;
            continue;
          }
          break;
        }
        ++k;
      }
      value_end = std::min(k + 1, connection.size());
    } else {
      value_end = connection.find(';', eq);
      if (value_end == std::string::npos) value_end = connection.size();
    }
    out += key + "=";
    out += is_secret_attribute(key) ? std::string(kRedacted) : connection.substr(eq + 1, value_end - eq - 1);
    i = value_end;
    if (i < connection.size() && connection[i] == ';') {
      out += ';';
      ++i;
    }
  }
  return out;
}

}  // namespace backflow::config
