#include "common/text.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace backflow::text {
namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char ascii_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_upper(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool icontains(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t at = 0; at + needle.size() <= haystack.size(); ++at) {
    if (iequals(haystack.substr(at, needle.size()), needle)) return true;
  }
  return false;
}

std::string trim(std::string_view text, bool all_space) {
  const char* space = all_space ? " \t\r\n\f\v" : " \t";
  const auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(space);
  return std::string(text.substr(first, last - first + 1));
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty() || &part != &parts.front()) out += separator;
    out += part;
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '_' || byte == '.' || byte == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

std::string escape_for_message(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t shown = 0;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool continuation = (byte & 0xC0) == 0x80;  // counts with the character it continues
    if (!continuation && ++shown > max_chars) {
      out += "...";
      break;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

std::string quote_for_message(std::string_view text) { return "'" + escape_for_message(text, 60) + "'"; }

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

namespace {

// A JSON string's contents (no quotes) as nlohmann writes them, and with
// '/' escaped as "\/" as some other encoders do.
std::string json_escaped(std::string_view text, bool escape_slash) {
  const std::string quoted =
      nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out = quoted.substr(1, quoted.size() - 2);
  if (!escape_slash) return out;
  std::string slashed;
  for (char c : out) slashed += c == '/' ? std::string("\\/") : std::string(1, c);
  return slashed;
}

}  // namespace

std::vector<std::string> echoed_forms(std::string_view secret) {
  std::vector<std::string> forms{std::string(secret)};
  auto add = [&](std::string form) {
    if (std::find(forms.begin(), forms.end(), form) == forms.end()) forms.push_back(std::move(form));
  };
  add(json_escaped(secret, false));
  add(json_escaped(secret, true));
  const std::string encoded = percent_encode(secret);
  add(encoded);
  std::string lower_hex = encoded;  // "%2f": only the hex digits change case
  for (std::size_t i = 0; i + 2 < lower_hex.size(); ++i) {
    if (lower_hex[i] != '%') continue;
    lower_hex[i + 1] = ascii_lower(lower_hex[i + 1]);
    lower_hex[i + 2] = ascii_lower(lower_hex[i + 2]);
    i += 2;
  }
  add(lower_hex);
  std::string form_encoded;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded.compare(i, 3, "%20") == 0) {
      form_encoded += '+';
      i += 2;
    } else {
      form_encoded += encoded[i];
    }
  }
  add(form_encoded);
  return forms;
}

std::string percent_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", value);
  return text;
}

}  // namespace backflow::text
