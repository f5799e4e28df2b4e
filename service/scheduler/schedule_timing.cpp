#include "service/scheduler/schedule_timing.h"

#include "common/duration.h"

namespace backflow::scheduler {

std::optional<TimePoint> next_due(const config::Schedule& schedule, std::optional<TimePoint> last_fire,
                                  TimePoint first_seen) {
  if (const auto* cron = std::get_if<config::CronSchedule>(&schedule)) {
    return std::chrono::time_point_cast<TimePoint::duration>(
        cron->expression.next_after(last_fire.value_or(first_seen), cron->zone));
  }
  if (const auto* every = std::get_if<config::EverySchedule>(&schedule)) {
    if (!last_fire) return first_seen;
    return *last_fire + std::chrono::duration_cast<TimePoint::duration>(every->interval);
  }
  return std::nullopt;
}

TimePoint fire_mark(const config::Schedule& schedule, TimePoint due, TimePoint now) {
  if (const auto* every = std::get_if<config::EverySchedule>(&schedule)) {
    return now - due < every->interval ? due : now;
  }
  return now;
}

std::string describe(const config::Schedule& schedule) {
  if (const auto* cron = std::get_if<config::CronSchedule>(&schedule)) {
    return cron->timezone.empty() ? cron->expression.text() : cron->expression.text() + " " + cron->timezone;
  }
  if (const auto* every = std::get_if<config::EverySchedule>(&schedule)) {
    return "every " + backflow::format_duration(every->interval);
  }
  if (const auto* after = std::get_if<config::AfterSchedule>(&schedule)) {
    std::string text = "after ";
    for (std::size_t i = 0; i < after->syncs.size(); ++i) text += (i ? ", " : "") + after->syncs[i];
    return text;
  }
  return "manual";
}

bool is_time_driven(const config::Schedule& schedule) {
  return std::holds_alternative<config::CronSchedule>(schedule) ||
         std::holds_alternative<config::EverySchedule>(schedule);
}

}  // namespace backflow::scheduler
