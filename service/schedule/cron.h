// Five-field cron expressions (Vixie cron syntax) and their next fire time.
#pragma once

#include <bitset>
#include <chrono>
#include <string>
#include <string_view>

#include "service/schedule/time_zone.h"

namespace backflow::schedule {

// A parsed "minute hour day-of-month month day-of-week" expression.
// Each field takes `*`, numbers, ranges `a-b`, steps `*/n`, `a-b/n` and
// `a/n` (from a to the field's maximum), comma lists of these, and for
// month and day-of-week the English names JAN..DEC and SUN..SAT (any case).
// Day-of-week 0 and 7 are both Sunday. The aliases @yearly (@annually),
// @monthly, @weekly, @daily (@midnight) and @hourly are accepted.
//
// As in Vixie cron, when both day fields are restricted (neither starts with
// `*`), a day matches if EITHER matches; otherwise both must.
//
// A value type: copyable, immutable after parse, thread-safe.
class CronExpression {
 public:
  // Throws std::invalid_argument naming the bad field and token, e.g.
  // "hour field '25': 25 is out of range 0-23".
  static CronExpression parse(std::string_view text);

  // The first whole minute strictly after `after` at which the expression
  // fires, evaluated in the given zone's local time (UTC by default).
  // DST rules: a fire time that falls in a gap (the local time does not
  // exist) fires at the first instant after the gap; a local time that occurs
  // twice (clocks going back) fires once, at its first occurrence.
  // Throws std::runtime_error if nothing matches within 8 years (e.g. 30 Feb).
  std::chrono::system_clock::time_point next_after(std::chrono::system_clock::time_point after,
                                                   const TimeZone& zone = TimeZone()) const;

  const std::string& text() const { return text_; }

  bool matches_minute(int minute) const { return minutes_[static_cast<std::size_t>(minute)]; }
  bool matches_hour(int hour) const { return hours_[static_cast<std::size_t>(hour)]; }
  bool matches_month(int month) const { return months_[static_cast<std::size_t>(month)]; }
  // month 1-12, weekday 0-6 (Sunday 0).
  bool matches_day(int day_of_month, int weekday) const;

 private:
  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1-31
  std::bitset<13> months_;         // 1-12
  std::bitset<7> days_of_week_;    // 0-6, Sunday 0
  bool day_of_month_star_ = false;
  bool day_of_week_star_ = false;
};

}  // namespace backflow::schedule
