// UTC offsets of a named IANA time zone (or UTC), from the system's time zone
// database (/usr/share/zoneinfo) through Howard Hinnant's date/tz library.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace backflow::schedule {

// A time zone the scheduler can ask "what is the UTC offset at instant t?".
//
// A small value type: copies share the loaded zone, which stays owned by the
// library's process-wide database (never freed). Immutable; every method is
// thread-safe. The database is built once, on first use, by date/tz (its zone
// list is a function-local static and each zone's file is read under a
// std::call_once), so no caller needs a lock and nothing touches TZ.
class TimeZone {
 public:
  // UTC, offset 0 at every instant.
  TimeZone() = default;

  // The zone of that IANA name ("Europe/Paris", "UTC"), with its file already
  // loaded. Throws std::invalid_argument naming it when /usr/share/zoneinfo has
  // no such zone or its file cannot be read.
  static TimeZone named(const std::string& name);

  // True when `name` is a zone /usr/share/zoneinfo holds (a TZif file). Never
  // throws. After the first call anywhere (which lists the database) it is a
  // binary search and a read of the file's first 4 bytes.
  static bool exists(const std::string& name);

  bool is_utc() const { return rules_ == nullptr; }
  const std::string& name() const { return name_; }  // "" for UTC

  // Seconds east of UTC in this zone at the given Unix time: the zone file's
  // transitions and, after the last one, the POSIX TZ rule at the file's end.
  std::int64_t offset_at(std::int64_t unix_seconds) const;

 private:
  struct Rules;  // time_zone.cpp: the date::time_zone and its footer rule

  std::string name_;
  std::shared_ptr<const Rules> rules_;  // null for UTC
};

}  // namespace backflow::schedule
