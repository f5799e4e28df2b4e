// What the scheduler tells the rest of the service (metrics, alerts) as it
// goes. Calls come from scheduler threads, concurrently;
// implementations must be thread-safe and quick (no network I/O inline).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "service/scheduler/clock.h"
#include "state/run_record.h"

namespace backflow::scheduler {

// One scheduled sync's recent history, as the scheduler knows it.
struct SyncActivity {
  std::string name;
  std::optional<TimePoint> last_success;  // end of the last Succeeded run
  TimePoint first_seen;                   // when this process started scheduling it
  bool paused = false;
};

class SchedulerObserver {
 public:
  virtual ~SchedulerObserver() = default;
  // A run reached a terminal phase (never called for a run left unfinished
  // by a shutdown).
  virtual void run_finished(const state::RunRecord& run) = 0;
  // A worker started `run`; `schedule_delay` is the time from the moment
  // its schedule made it due (unset when no schedule did: a trigger, a
  // follow-up of a coalesced run, a resumed run).
  virtual void run_started(const state::RunRecord& run, std::optional<std::chrono::milliseconds> schedule_delay) {
    (void)run;
    (void)schedule_delay;
  }
  // Called on every scheduler pass (at least once a second) with every
  // scheduled sync: for time-based checks such as "no success for a day".
  virtual void syncs_checked(TimePoint now, const std::vector<SyncActivity>& syncs) = 0;
  // The number of runs waiting for a worker changed. May be called with the
  // scheduler's lock held: must not call back into the scheduler.
  virtual void queue_depth_changed(std::size_t depth) = 0;
};

}  // namespace backflow::scheduler
