// The typed value model shared by the warehouse reader, the diff engines and
// the mappers. A Value is what one cell of a model row holds, typed by the
// ODBC column type it came from, so that an int 1 and a text '1' never compare
// equal and exact decimals are never rounded through a double.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace backflow {

enum class ValueType : std::uint8_t {
  Null = 0,
  Bool,
  Int,          // any SQL integer type that fits in int64
  Decimal,      // NUMERIC/DECIMAL (and integers beyond int64): exact, as text
  Double,       // REAL/FLOAT/DOUBLE
  Text,         // CHAR/VARCHAR/TEXT/... as UTF-8
  Date,
  Time,
  Timestamp,    // without time zone, as the warehouse returned it
  TimestampTz,  // normalised to UTC
  Binary,
};

// Name used in messages and docs: "int", "decimal", "timestamptz", ...
std::string_view to_string(ValueType type);

struct Date {
  std::int32_t year = 1970;
  std::uint8_t month = 1;  // 1..12
  std::uint8_t day = 1;    // 1..31
  auto operator<=>(const Date&) const = default;
};

struct TimeOfDay {
  std::uint8_t hour = 0, minute = 0, second = 0;
  std::uint32_t nanos = 0;
  auto operator<=>(const TimeOfDay&) const = default;
};

struct Timestamp {
  Date date;
  TimeOfDay time;
  auto operator<=>(const Timestamp&) const = default;
};

// Exact decimal in canonical text form: optional '-', digits, optional '.'
// and digits, exactly as the warehouse rendered it (1.50 stays "1.50").
struct Decimal {
  std::string text;
  auto operator<=>(const Decimal&) const = default;
};

struct TimestampTz {
  Timestamp utc;
  auto operator<=>(const TimestampTz&) const = default;
};

struct Binary {
  std::string bytes;
  auto operator<=>(const Binary&) const = default;
};

// One typed cell. Equality is typed: values of different types are unequal.
class Value {
 public:
  using Storage = std::variant<std::monostate, bool, std::int64_t, Decimal, double, std::string,
                               Date, TimeOfDay, Timestamp, TimestampTz, Binary>;

  Value() = default;
  static Value null() { return Value(); }
  static Value boolean(bool v) { return Value(Storage(v)); }
  static Value integer(std::int64_t v) { return Value(Storage(v)); }
  static Value decimal(std::string text) { return Value(Storage(Decimal{std::move(text)})); }
  static Value real(double v) { return Value(Storage(v)); }
  static Value text(std::string v) { return Value(Storage(std::move(v))); }
  static Value date(Date v) { return Value(Storage(v)); }
  static Value time(TimeOfDay v) { return Value(Storage(v)); }
  static Value timestamp(Timestamp v) { return Value(Storage(v)); }
  static Value timestamp_tz(Timestamp utc) { return Value(Storage(TimestampTz{utc})); }
  static Value binary(std::string bytes) { return Value(Storage(Binary{std::move(bytes)})); }

  ValueType type() const { return static_cast<ValueType>(storage_.index()); }
  bool is_null() const { return storage_.index() == 0; }

  // Accessors: precondition type() matches; std::bad_variant_access otherwise.
  bool as_bool() const { return std::get<bool>(storage_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(storage_); }
  const std::string& as_decimal() const { return std::get<Decimal>(storage_).text; }
  double as_double() const { return std::get<double>(storage_); }
  const std::string& as_text() const { return std::get<std::string>(storage_); }
  const Date& as_date() const { return std::get<Date>(storage_); }
  const TimeOfDay& as_time() const { return std::get<TimeOfDay>(storage_); }
  const Timestamp& as_timestamp() const { return std::get<Timestamp>(storage_); }
  const Timestamp& as_timestamp_tz() const { return std::get<TimestampTz>(storage_).utc; }
  const std::string& as_binary() const { return std::get<Binary>(storage_).bytes; }

  const Storage& storage() const { return storage_; }

  bool operator==(const Value& other) const = default;

  // Human-readable rendering for messages, previews and logs: ISO 8601 for
  // dates and times ("2024-05-01T12:00:00Z" for timestamptz), decimals as
  // their text, binary as hex, NULL as "NULL".
  std::string to_display() const;

 private:
  explicit Value(Storage s) : storage_(std::move(s)) {}
  Storage storage_;
};

using Row = std::vector<Value>;

// The value of a COUNT(*) or SUM() as drivers hand it over (an integer, an
// exact decimal, text or a double, by driver and dialect); NULL counts 0.
// Throws std::runtime_error for a value of any other type or a text that is
// not a whole number.
std::uint64_t count_value(const Value& value);

}  // namespace backflow
