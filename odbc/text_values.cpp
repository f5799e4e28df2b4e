#include "odbc/text_values.h"

#include <cctype>
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>

#include "common/text.h"

namespace backflow::odbc {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<double> special_number(std::string_view text) {
  const std::string lowered = text::lower(text);
  if (lowered == "nan" || lowered == "-nan" || lowered == "+nan") return std::numeric_limits<double>::quiet_NaN();
  if (lowered == "infinity" || lowered == "inf" || lowered == "+infinity" || lowered == "+inf") {
    return std::numeric_limits<double>::infinity();
  }
  if (lowered == "-infinity" || lowered == "-inf") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

bool is_canonical_decimal(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  const std::size_t int_begin = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i == int_begin) return false;
  if (i == text.size()) return true;
  if (text[i] != '.') return false;
  const std::size_t frac_begin = ++i;
  while (i < text.size() && is_digit(text[i])) ++i;
  return i == text.size() && i > frac_begin;
}

std::optional<std::string> normalize_decimal(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string int_digits, frac_digits;
  while (i < text.size() && is_digit(text[i])) int_digits += text[i++];
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) frac_digits += text[i++];
  }
  if (int_digits.empty() && frac_digits.empty()) return std::nullopt;
  long exponent = 0;
  const bool has_exponent = i < text.size() && (text[i] == 'e' || text[i] == 'E');
  if (has_exponent) {
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exponent_negative = text[i++] == '-';
    const std::size_t exponent_begin = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == exponent_begin || i - exponent_begin > 4) return std::nullopt;
    std::from_chars(text.data() + exponent_begin, text.data() + i, exponent);
    if (exponent_negative) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;
  if (!has_exponent) {
    std::string out = negative ? "-" : "";
    out += int_digits.empty() ? "0" : int_digits;
    if (!frac_digits.empty()) {
      out += '.';
      out += frac_digits;
    }
    return out;
  }
  // Shift the decimal point of all digits by the exponent.
  std::string digits = int_digits + frac_digits;
  long point = static_cast<long>(int_digits.size()) + exponent;
  if (point < 0) {
    digits.insert(0, static_cast<std::size_t>(-point), '0');
    point = 0;
  }
  if (point > static_cast<long>(digits.size())) digits.append(static_cast<std::size_t>(point) - digits.size(), '0');
  std::string whole = digits.substr(0, static_cast<std::size_t>(point));
  std::string frac = digits.substr(static_cast<std::size_t>(point));
  const std::size_t first_significant = std::min(whole.find_first_not_of('0'), whole.size());
  whole = first_significant == whole.size() ? std::string(1, '0') : whole.substr(first_significant);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  std::string out = negative ? "-" : "";
  out += whole;
  if (!frac.empty()) {
    out += '.';
    out += frac;
  }
  return out;
}

std::optional<TimeOfDay> parse_time_of_day(std::string_view text) {
  auto two_digits = [&](std::size_t at) -> int {
    if (at + 2 > text.size() || !is_digit(text[at]) || !is_digit(text[at + 1])) return -1;
    return (text[at] - '0') * 10 + (text[at + 1] - '0');
  };
  const int hour = two_digits(0), minute = two_digits(3), second = two_digits(6);
  if (hour < 0 || minute < 0 || second < 0 || text[2] != ':' || text[5] != ':') return std::nullopt;
  if (hour > 24 || minute > 59 || second > 60) return std::nullopt;
  TimeOfDay t{static_cast<std::uint8_t>(hour), static_cast<std::uint8_t>(minute), static_cast<std::uint8_t>(second), 0};
  std::size_t i = 8;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::uint32_t scale = 100000000;
    while (i < text.size() && is_digit(text[i])) {
      if (scale == 0) return std::nullopt;  // more than nanosecond precision
      t.nanos += static_cast<std::uint32_t>(text[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
  }
  if (i != text.size()) return std::nullopt;
  return t;
}

std::string format_time_of_day(const TimeOfDay& time) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02u:%02u:%02u.%09u", unsigned{time.hour}, unsigned{time.minute},
                unsigned{time.second}, time.nanos);
  return buf;
}

}  // namespace backflow::odbc
