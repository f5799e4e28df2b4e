#include "mappers/value_rendering.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <type_traits>

#include "mappers/digest.h"
#include "mappers/exact_number.h"
#include "mappers/mapping_error.h"
#include "common/utf8.h"

namespace backflow::mappers {

namespace {

void require_finite(double number) {
  if (!std::isfinite(number)) {
    throw ConversionError(std::string("value ") + (std::isnan(number) ? "NaN" : "Infinity") +
                          " has no JSON representation");
  }
}

std::string format_double(double number) {
  require_finite(number);
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  return std::string(buffer, result.ptr);
}

void append_digits(std::string& out, unsigned value, int width) {
  char digits[10];
  for (int i = width - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(digits, static_cast<std::size_t>(width));
}

// ISO 8601 without snprintf: this runs for every date cell of every row.
void append_date(std::string& out, const Date& date) {
  if (date.year < 0 || date.year > 9999) {
    out += Value::date(date).to_display();
    return;
  }
  append_digits(out, static_cast<unsigned>(date.year), 4);
  out += '-';
  append_digits(out, date.month, 2);
  out += '-';
  append_digits(out, date.day, 2);
}

void append_time(std::string& out, const TimeOfDay& time) {
  append_digits(out, time.hour, 2);
  out += ':';
  append_digits(out, time.minute, 2);
  out += ':';
  append_digits(out, time.second, 2);
  if (time.nanos != 0) {
    unsigned nanos = time.nanos;
    int width = 9;
    while (nanos % 10 == 0) {
      nanos /= 10;
      --width;
    }
    out += '.';
    append_digits(out, nanos, width);
  }
}

}  // namespace

nlohmann::json value_to_json(const Value& value) {
  switch (value.type()) {
    case ValueType::Null: return nullptr;
    case ValueType::Bool: return value.as_bool();
    case ValueType::Int: return value.as_int();
    case ValueType::Decimal: {
      auto canonical = canonical_decimal(value.as_decimal());
      if (!canonical) throw ConversionError("decimal '" + value.as_decimal() + "' is not a number");
      return exact_number(*canonical);
    }
    case ValueType::Double:
      require_finite(value.as_double());
      return value.as_double();
    case ValueType::Text:
      if (text::is_valid_utf8(value.as_text())) return value.as_text();
      return text::repair_utf8(value.as_text());
    default: return value_to_text(value);
  }
}

std::string value_to_text(const Value& value) {
  switch (value.type()) {
    case ValueType::Null: return {};
    case ValueType::Double: return format_double(value.as_double());
    case ValueType::Decimal: {
      auto canonical = canonical_decimal(value.as_decimal());
      return canonical ? *canonical : value.as_decimal();
    }
    case ValueType::Binary: return base64_encode(value.as_binary());
    case ValueType::Date: {
      std::string out;
      append_date(out, value.as_date());
      return out;
    }
    case ValueType::Time: {
      std::string out;
      append_time(out, value.as_time());
      return out;
    }
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
      const bool utc = value.type() == ValueType::TimestampTz;
      const Timestamp& stamp = utc ? value.as_timestamp_tz() : value.as_timestamp();
      std::string out;
      out.reserve(32);
      append_date(out, stamp.date);
      out += 'T';
      append_time(out, stamp.time);
      if (utc) out += 'Z';
      return out;
    }
    default: return value.to_display();  // ISO 8601 for dates and times, as documented
  }
}

}  // namespace backflow::mappers
