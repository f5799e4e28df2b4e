// UTC offsets of a named IANA time zone (or UTC), read from the system's
// zoneinfo database (/usr/share/zoneinfo).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace backflow::schedule {

class ZoneRules;

// A time zone the scheduler can ask "what is the UTC offset at instant t?".
// libstdc++ 12 has no std::chrono::tzdb, and setting TZ for localtime_r is
// not thread-safe, so named zones are read from their TZif file once, when
// created. Copies share the parsed rules. Immutable; thread-safe.
class TimeZone {
 public:
  // UTC, offset 0 at every instant.
  TimeZone() = default;

  // The zone of that IANA name ("Europe/Paris", "UTC"). Throws
  // std::invalid_argument naming it when /usr/share/zoneinfo has no such
  // zone file or the file cannot be parsed.
  static TimeZone named(const std::string& name);

  // True when `name` is a zone /usr/share/zoneinfo holds (a TZif file).
  static bool exists(const std::string& name);

  bool is_utc() const { return rules_ == nullptr; }
  const std::string& name() const { return name_; }  // "" for UTC

  // Seconds east of UTC in this zone at the given Unix time.
  std::int64_t offset_at(std::int64_t unix_seconds) const;

 private:
  std::string name_;
  std::shared_ptr<const ZoneRules> rules_;  // null for UTC
};

}  // namespace backflow::schedule
