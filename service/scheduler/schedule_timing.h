// When time-driven schedules (cron, every) are due, and what a firing leaves
// behind as the "last fire" time from which the next one is computed.
#pragma once

#include <optional>
#include <string>

#include "service/config/config.h"
#include "service/scheduler/clock.h"

namespace backflow::scheduler {

// The next due time of `schedule`. `last_fire` is what fire_mark() returned
// at the previous firing (none if it never fired); `first_seen` is when the
// scheduler started tracking the sync. A due time at or before now means
// "run now": however many slots passed while the service was down, the sync
// is due once. A cron schedule that never fired is due at its first slot
// after first_seen; an `every` schedule that never fired is due at once.
// nullopt for manual and after: schedules, which no clock makes due.
std::optional<TimePoint> next_due(const config::Schedule& schedule, std::optional<TimePoint> last_fire,
                                  TimePoint first_seen);

// The last-fire time to keep after firing at `now` for the slot `due`. For
// cron it is `now` (missed slots collapse into this one run); for every it
// is `due` when on time (no drift) and `now` when catching up.
TimePoint fire_mark(const config::Schedule& schedule, TimePoint due, TimePoint now);

// The schedule as an operator wrote it: "*/15 * * * *", "0 9 * * * Europe/Paris",
// "every 10m", "after a, b", "manual".
std::string describe(const config::Schedule& schedule);

bool is_time_driven(const config::Schedule& schedule);

}  // namespace backflow::scheduler
