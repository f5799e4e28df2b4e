// What the scheduler must remember across restarts, per sync: when its
// schedule last fired (so missed slots run once on start, not once each) and
// whether an operator paused it. Kept in the state database under "sched/".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "state/state_db.h"

namespace backflow::scheduler {

struct SyncScheduleState {
  std::optional<std::int64_t> last_fire_ms;  // unix ms; none until the schedule first fires
  bool paused = false;
};

class ScheduleStateStore {
 public:
  // `db` must outlive the store. Thread-safe.
  explicit ScheduleStateStore(state::StateDb& db);

  // The sync's state; the default (never fired, not paused) when none is kept.
  SyncScheduleState get(const std::string& sync) const;
  // Durably replaces the sync's state.
  void put(const std::string& sync, const SyncScheduleState& value);

 private:
  state::StateDb& db_;
};

}  // namespace backflow::scheduler
