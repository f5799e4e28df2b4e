// The `date_format` transform: renders a date or timestamp with a
// strftime-like pattern, without locale or time zone database (timestamps are
// formatted as they are: TIMESTAMPTZ in UTC, TIMESTAMP as stored).
//
// Directives: %Y year, %y 2-digit year, %m month, %d day, %e day space-padded,
// %H hour, %I 12-hour, %p AM/PM, %M minute, %S second, %f microseconds (6
// digits), %L milliseconds (3 digits), %j day of year, %a/%A weekday name,
// %b/%B month name, %u ISO weekday 1-7, %s seconds since the epoch (UTC),
// %z "+0000" / %Z "UTC" (TIMESTAMPTZ only, "" otherwise), %F = %Y-%m-%d,
// %T = %H:%M:%S, %% a percent sign.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/value.h"

namespace backflow::mappers {

class DateFormat {
 public:
  // Throws MappingError for an unknown directive or a trailing '%'.
  explicit DateFormat(std::string pattern);

  // Formats a Date, Timestamp or TimestampTz, or text holding an ISO 8601
  // date or timestamp ("2024-05-01", "2024-05-01T12:00:00[.fff][Z]", a space
  // instead of 'T' is accepted). Throws ConversionError for anything else.
  std::string format(const Value& value) const;

 private:
  std::string pattern_;
};

// Parses ISO 8601 text into a Date, Timestamp or TimestampTz value.
std::optional<Value> parse_iso_datetime(std::string_view text);

}  // namespace backflow::mappers
