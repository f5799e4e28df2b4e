#include "model/value.h"

#include <cstdio>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace backflow {

std::string_view to_string(ValueType type) {
  switch (type) {
    case ValueType::Null: return "null";
    case ValueType::Bool: return "bool";
    case ValueType::Int: return "int";
    case ValueType::Decimal: return "decimal";
    case ValueType::Double: return "double";
    case ValueType::Text: return "text";
    case ValueType::Date: return "date";
    case ValueType::Time: return "time";
    case ValueType::Timestamp: return "timestamp";
    case ValueType::TimestampTz: return "timestamptz";
    case ValueType::Binary: return "binary";
  }
  return "unknown";
}

namespace {

std::string format_date(const Date& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, unsigned{d.month}, unsigned{d.day});
  return buf;
}

std::string format_time(const TimeOfDay& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02u:%02u:%02u", unsigned{t.hour}, unsigned{t.minute},
                unsigned{t.second});
  std::string out = buf;
  if (t.nanos != 0) {
    std::snprintf(buf, sizeof buf, ".%09u", t.nanos);
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  return out;
}

}  // namespace

std::string Value::to_display() const {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "NULL";
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, Decimal>) {
          return v.text;
        } else if constexpr (std::is_same_v<T, double>) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.17g", v);
          return buf;
        } else if constexpr (std::is_same_v<T, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<T, Date>) {
          return format_date(v);
        } else if constexpr (std::is_same_v<T, TimeOfDay>) {
          return format_time(v);
        } else if constexpr (std::is_same_v<T, Timestamp>) {
          return format_date(v.date) + "T" + format_time(v.time);
        } else if constexpr (std::is_same_v<T, TimestampTz>) {
          return format_date(v.utc.date) + "T" + format_time(v.utc.time) + "Z";
        } else {
          static constexpr char kHex[] = "0123456789abcdef";
          std::string out = "\\x";
          for (unsigned char c : v.bytes) {
            out += kHex[c >> 4];
            out += kHex[c & 15];
          }
          return out;
        }
      },
      storage_);
}

std::uint64_t count_value(const Value& value) {
  switch (value.type()) {
    case ValueType::Null: return 0;
    case ValueType::Int: return static_cast<std::uint64_t>(value.as_int());
    case ValueType::Decimal: return std::stoull(value.as_decimal());
    case ValueType::Double: return static_cast<std::uint64_t>(value.as_double());
    case ValueType::Text: return std::stoull(value.as_text());
    default: throw std::runtime_error("unexpected count of type " + std::string(to_string(value.type())));
  }
}

}  // namespace backflow
