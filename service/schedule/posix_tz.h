// POSIX TZ rule strings ("CET-1CEST,M3.5.0,M10.5.0/3"), as found in the
// footer of TZif files, where they give the offsets after the file's last
// listed transition.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace backflow::schedule {

// A parsed TZ rule: a standard offset and, optionally, a daylight offset
// with the yearly dates when it starts and ends. Immutable; thread-safe.
class PosixTzRule {
 public:
  // Throws std::invalid_argument quoting the text when it is not a valid
  // POSIX TZ string (with the RFC 8536 extensions: hours up to 167 and
  // negative times in the date rules).
  static PosixTzRule parse(std::string_view text);

  // Seconds east of UTC at the given Unix time.
  std::int64_t offset_at(std::int64_t unix_seconds) const;

  // A rule's transition day: Jn (1-365, no Feb 29), n (0-365), Mm.w.d.
  struct DateRule {
    enum class Kind { julian_no_leap, julian_zero, month_week_day } kind = Kind::month_week_day;
    int day = 0;    // Jn / n
    int month = 0;  // Mm.w.d
    int week = 0;
    int weekday = 0;
    std::int64_t time = 7200;  // local seconds after midnight; default 02:00
  };

 private:
  // Unix time at which `rule` happens in `year`, given the offset in force
  // just before it.
  static std::int64_t transition_in(int year, const DateRule& rule, std::int64_t offset_before);

  std::int64_t std_offset_ = 0;  // east of UTC
  std::int64_t dst_offset_ = 0;
  bool has_dst_ = false;
  DateRule dst_start_;
  DateRule dst_end_;
};

}  // namespace backflow::schedule
