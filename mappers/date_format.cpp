#include "mappers/date_format.h"

#include <cstdio>

#include "mappers/mapping_error.h"

namespace backflow::mappers {

namespace {

constexpr const char* kMonthNames[] = {"January", "February", "March",     "April",
                                       "May",     "June",     "July",      "August",
                                       "September", "October", "November", "December"};
constexpr const char* kDayNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};
constexpr std::string_view kDirectives = "YymdeHIpMSfLjaAbBusZzFT%";

// Days since 1970-01-01 in the proleptic Gregorian calendar.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned day_of_year(const Date& d) {
  static constexpr unsigned kBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  return kBefore[d.month - 1] + d.day + (d.month > 2 && is_leap(d.year) ? 1 : 0);
}

void append_number(std::string& out, std::int64_t number, int width, char pad = '0') {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, pad == '0' ? "%0*lld" : "%*lld", width,
                static_cast<long long>(number));
  out += buffer;
}

bool parse_digits(std::string_view text, std::size_t& at, std::size_t count, unsigned& out) {
  out = 0;
  for (std::size_t i = 0; i < count; ++i, ++at) {
    if (at >= text.size() || text[at] < '0' || text[at] > '9') return false;
    out = out * 10 + static_cast<unsigned>(text[at] - '0');
  }
  return true;
}

}  // namespace

DateFormat::DateFormat(std::string pattern) : pattern_(std::move(pattern)) {
  for (std::size_t i = 0; i < pattern_.size(); ++i) {
    if (pattern_[i] != '%') continue;
    if (i + 1 >= pattern_.size()) throw MappingError("date_format pattern '" + pattern_ + "' ends with '%'");
    if (kDirectives.find(pattern_[i + 1]) == std::string_view::npos) {
      throw MappingError("date_format pattern '" + pattern_ + "' has unknown directive '%" +
                         pattern_[i + 1] + "'");
    }
    ++i;
  }
}

std::optional<Value> parse_iso_datetime(std::string_view text) {
  std::size_t at = 0;
  unsigned year = 0, month = 0, day = 0;
  if (!parse_digits(text, at, 4, year) || at >= text.size() || text[at++] != '-' ||
      !parse_digits(text, at, 2, month) || at >= text.size() || text[at++] != '-' ||
      !parse_digits(text, at, 2, day) || month < 1 || month > 12 || day < 1 || day > 31) {
    return std::nullopt;
  }
  Date date{static_cast<std::int32_t>(year), static_cast<std::uint8_t>(month),
            static_cast<std::uint8_t>(day)};
  if (at == text.size()) return Value::date(date);
  if (text[at] != 'T' && text[at] != ' ') return std::nullopt;
  ++at;
  unsigned hour = 0, minute = 0, second = 0;
  if (!parse_digits(text, at, 2, hour) || at >= text.size() || text[at++] != ':' ||
      !parse_digits(text, at, 2, minute)) {
    return std::nullopt;
  }
  if (at < text.size() && text[at] == ':') {
    ++at;
    if (!parse_digits(text, at, 2, second)) return std::nullopt;
  }
  std::uint32_t nanos = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::uint32_t scale = 100000000;
    std::size_t begin = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      nanos += static_cast<std::uint32_t>(text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == begin) return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  Timestamp stamp{date, TimeOfDay{static_cast<std::uint8_t>(hour), static_cast<std::uint8_t>(minute),
                                  static_cast<std::uint8_t>(second), nanos}};
  if (at == text.size()) return Value::timestamp(stamp);
  if (text.substr(at) == "Z" || text.substr(at) == "+00:00" || text.substr(at) == "+0000") {
    return Value::timestamp_tz(stamp);
  }
  return std::nullopt;
}

std::string DateFormat::format(const Value& input) const {
  Value parsed;
  const Value* value = &input;
  if (input.type() == ValueType::Text) {
    auto iso = parse_iso_datetime(input.as_text());
    if (!iso) throw ConversionError("date_format cannot read '" + input.as_text() + "' as a date");
    parsed = std::move(*iso);
    value = &parsed;
  }
  Timestamp stamp;
  bool utc = false;
  switch (value->type()) {
    case ValueType::Date: stamp.date = value->as_date(); break;
    case ValueType::Timestamp: stamp = value->as_timestamp(); break;
    case ValueType::TimestampTz:
      stamp = value->as_timestamp_tz();
      utc = true;
      break;
    default:
      throw ConversionError("date_format needs a date or timestamp, got " +
                            std::string(to_string(value->type())) + " '" + value->to_display() + "'");
  }
  const Date& d = stamp.date;
  const TimeOfDay& t = stamp.time;
  const std::int64_t days = days_from_civil(d.year, d.month, d.day);
  const auto weekday = static_cast<unsigned>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  std::string out;
  out.reserve(pattern_.size() + 16);
  for (std::size_t i = 0; i < pattern_.size(); ++i) {
    if (pattern_[i] != '%') {
      out += pattern_[i];
      continue;
    }
    switch (pattern_[++i]) {
      case 'Y': append_number(out, d.year, 4); break;
      case 'y': append_number(out, ((d.year % 100) + 100) % 100, 2); break;
      case 'm': append_number(out, d.month, 2); break;
      case 'd': append_number(out, d.day, 2); break;
      case 'e': append_number(out, d.day, 2, ' '); break;
      case 'H': append_number(out, t.hour, 2); break;
      case 'I': append_number(out, t.hour % 12 == 0 ? 12 : t.hour % 12, 2); break;
      case 'p': out += t.hour < 12 ? "AM" : "PM"; break;
      case 'M': append_number(out, t.minute, 2); break;
      case 'S': append_number(out, t.second, 2); break;
      case 'f': append_number(out, t.nanos / 1000, 6); break;
      case 'L': append_number(out, t.nanos / 1000000, 3); break;
      case 'j': append_number(out, day_of_year(d), 3); break;
      case 'a': out.append(kDayNames[weekday], 3); break;
      case 'A': out += kDayNames[weekday]; break;
      case 'b': out.append(kMonthNames[d.month - 1], 3); break;
      case 'B': out += kMonthNames[d.month - 1]; break;
      case 'u': append_number(out, weekday == 0 ? 7 : weekday, 1); break;
      case 's':
        append_number(out, days * 86400 + t.hour * 3600 + t.minute * 60 + t.second, 1);
        break;
      case 'z': out += utc ? "+0000" : ""; break;
      case 'Z': out += utc ? "UTC" : ""; break;
      case 'F':
        append_number(out, d.year, 4);
        out += '-';
        append_number(out, d.month, 2);
        out += '-';
        append_number(out, d.day, 2);
        break;
      case 'T':
        append_number(out, t.hour, 2);
        out += ':';
        append_number(out, t.minute, 2);
        out += ':';
        append_number(out, t.second, 2);
        break;
      default: out += '%'; break;
    }
  }
  return out;
}

}  // namespace backflow::mappers
