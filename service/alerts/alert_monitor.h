// Turns run results and sync activity into alerts: one notice when a
// condition starts (a sync's runs start failing, get blocked, reject too
// many records, or stop succeeding for too long) and one when it clears,
// however many runs happen in between. Conditions are tracked per target, as
// each target has its own events and thresholds (docs/alerts.md).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "service/alerts/alert_notice.h"
#include "service/alerts/alert_sink.h"
#include "service/alerts/alert_state_store.h"
#include "service/config/config.h"
#include "service/scheduler/scheduler_observer.h"

namespace backflow::alerts {

class AlertMonitor : public scheduler::SchedulerObserver {
 public:
  // `sink` and `store` must outlive the monitor; `store` may be null (state
  // then lives in memory only). Thread-safe.
  AlertMonitor(std::vector<config::Alert> targets, AlertSink& sink, AlertStateStore* store);

  // Replaces the targets (config reload). A target whose definition did not
  // change keeps its firing conditions.
  void set_targets(std::vector<config::Alert> targets);

  void run_finished(const state::RunRecord& run) override;
  void syncs_checked(scheduler::TimePoint now, const std::vector<scheduler::SyncActivity>& syncs) override;
  void queue_depth_changed(std::size_t) override {}

 private:
  struct Target {
    config::Alert alert;
    std::string id;  // a hash of the definition: keys its state without holding the URL
    bool wants(AlertCondition condition) const;
  };
  // Moves `condition` of `sync` for `target` to `firing`; sends `notice`
  // only when that is a change.
  void transition_locked(const Target& target, AlertCondition condition, const std::string& sync, bool firing,
                         AlertNotice notice);
  bool firing_locked(const std::string& key);

  AlertSink& sink_;
  AlertStateStore* store_;
  mutable std::mutex mutex_;
  std::vector<Target> targets_;
  std::map<std::string, bool> firing_;  // cache of the store (or the only copy)
  std::map<std::string, state::RunPhase> last_phase_;  // per sync, for run_succeeded
};

}  // namespace backflow::alerts
