// UTC offsets of a named IANA time zone (or UTC), read from the system's
// zoneinfo database (/usr/share/zoneinfo).
#pragma once

#include <cstdint>
#include <string>

namespace backflow::schedule {

// A time zone the scheduler can ask "what is the UTC offset at instant t?".
// libstdc++ 12 has no std::chrono::tzdb, so named zones are resolved by the
// C library: each offset_at() call sets TZ and calls localtime_r under a
// process-wide mutex, and restores TZ before it returns. Code elsewhere that
// reads local time concurrently could observe the temporary TZ; backflow only
// logs in UTC, so nothing does. Copyable; thread-safe.
class TimeZone {
 public:
  // UTC, offset 0 at every instant.
  TimeZone() = default;

  // The zone of that IANA name ("Europe/Paris", "UTC"). Throws
  // std::invalid_argument naming it when /usr/share/zoneinfo has no such
  // zone file.
  static TimeZone named(const std::string& name);

  // True when `name` is a zone /usr/share/zoneinfo holds (a TZif file).
  static bool exists(const std::string& name);

  bool is_utc() const { return name_.empty(); }
  const std::string& name() const { return name_; }  // "" for UTC

  // Seconds east of UTC in this zone at the given Unix time.
  std::int64_t offset_at(std::int64_t unix_seconds) const;

 private:
  explicit TimeZone(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

}  // namespace backflow::schedule
