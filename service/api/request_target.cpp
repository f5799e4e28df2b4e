#include "service/api/request_target.h"

#include <charconv>

#include "service/api/api_error.h"

namespace backflow::api {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode_or_throw(std::string_view text, bool plus_is_space, const char* what) {
  auto decoded = percent_decode(text, plus_is_space);
  if (!decoded) throw ApiError(400, "bad_request", std::string("malformed percent-encoding in the ") + what);
  return *decoded;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.push_back(decode_or_throw(path.substr(start, end - start), false, "path"));
    start = end + 1;
  }
  return segments;
}

QueryParams QueryParams::parse(std::string_view query) {
  QueryParams params;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      std::string name = decode_or_throw(pair.substr(0, eq), true, "query string");
      std::string value =
          eq == std::string_view::npos ? "" : decode_or_throw(pair.substr(eq + 1), true, "query string");
      params.values_[std::move(name)] = std::move(value);
    }
    start = end + 1;
  }
  return params;
}

std::optional<std::string> QueryParams::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::size_t QueryParams::limit(const std::string& name, std::size_t fallback, std::size_t max) const {
  auto text = get(name);
  if (!text) return fallback;
  std::size_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || error != std::errc() || end != text->data() + text->size()) {
    throw ApiError(400, "bad_parameter", "'" + name + "' must be a whole number, got '" + *text + "'");
  }
  if (value < 1 || value > max) {
    throw ApiError(400, "bad_parameter",
                   "'" + name + "' must be between 1 and " + std::to_string(max) + ", got " + *text);
  }
  return value;
}

}  // namespace backflow::api
