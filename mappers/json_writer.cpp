#include "mappers/json_writer.h"

#include <charconv>
#include <cmath>

#include "mappers/exact_number.h"
#include "common/utf8.h"

namespace backflow::mappers {

namespace {

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c >= 0x80; }

// Appends `text` as a JSON string; runs of plain ASCII are copied in bulk.
void write_string(const std::string& text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t run = i;
    while (run < text.size() && !needs_escape(static_cast<unsigned char>(text[run]))) ++run;
    out.append(text, i, run - i);
    i = run;
    if (i == text.size()) break;
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t length = text::valid_utf8_sequence_length(text, i);
      if (length == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text, i, length);
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    ++i;
  }
  out += '"';
}

// The length write_string() would append, without building it.
std::size_t string_size(const std::string& text) {
  std::size_t size = 2;
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (!needs_escape(c)) {
      ++size;
      ++i;
    } else if (c >= 0x80) {
      std::size_t length = text::valid_utf8_sequence_length(text, i);
      size += length == 0 ? 6 : length;
      i += length == 0 ? 1 : length;
    } else {
      size += (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') ? 2 : 6;
      ++i;
    }
  }
  return size;
}

template <typename Number>
void write_integer(Number number, std::string& out) {
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  out.append(buffer, result.ptr);
}

void write_double(double number, std::string& out) {
  if (!std::isfinite(number)) {
    out += "null";  // JSON has no NaN/Infinity; the mapper rejects them before this
    return;
  }
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  out += text;
  // Keep doubles recognisable as non-integers for strict receivers: 2.0 -> "2.0".
  if (text.find_first_of(".eEn") == std::string_view::npos) out += ".0";
}

}  // namespace

void write_json(const nlohmann::json& value, std::string& out) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded: out += "null"; break;
    case nlohmann::json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; break;
    case nlohmann::json::value_t::number_integer:
      write_integer(value.get<std::int64_t>(), out);
      break;
    case nlohmann::json::value_t::number_unsigned:
      write_integer(value.get<std::uint64_t>(), out);
      break;
    case nlohmann::json::value_t::number_float: write_double(value.get<double>(), out); break;
    case nlohmann::json::value_t::string:
      if (auto number = exact_number_text(value)) {
        out += *number;
      } else {
        write_string(value.get_ref<const std::string&>(), out);
      }
      break;
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ',';
        first = false;
        write_json(element, out);
      }
      out += ']';
      break;
    }
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ',';
        first = false;
        write_string(it.key(), out);
        out += ':';
        write_json(it.value(), out);
      }
      out += '}';
      break;
    }
    case nlohmann::json::value_t::binary: out += "null"; break;  // never produced by the mapper
  }
}

std::size_t json_text_size(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      if (auto number = exact_number_text(value)) return number->size();
      return string_size(value.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      std::size_t size = 2 + (value.empty() ? 0 : value.size() - 1);
      for (const auto& element : value) size += json_text_size(element);
      return size;
    }
    case nlohmann::json::value_t::object: {
      std::size_t size = 2 + (value.empty() ? 0 : value.size() - 1);
      for (auto it = value.begin(); it != value.end(); ++it) {
        size += string_size(it.key()) + 1 + json_text_size(it.value());
      }
      return size;
    }
    default: {
      std::string scalar;
      write_json(value, scalar);
      return scalar.size();
    }
  }
}

std::string to_json_text(const nlohmann::json& value) {
  std::string out;
  write_json(value, out);
  return out;
}

}  // namespace backflow::mappers
