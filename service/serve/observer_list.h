// Several scheduler observers behind one (metrics and alerts both listen).
#pragma once

#include <vector>

#include "service/scheduler/scheduler_observer.h"

namespace backflow::serve {

class ObserverList : public scheduler::SchedulerObserver {
 public:
  // The observers must outlive the list; they are called in order.
  explicit ObserverList(std::vector<scheduler::SchedulerObserver*> observers) : observers_(std::move(observers)) {}

  void run_finished(const state::RunRecord& run) override {
    for (auto* observer : observers_) observer->run_finished(run);
  }
  void run_started(const state::RunRecord& run, std::optional<std::chrono::milliseconds> schedule_delay) override {
    for (auto* observer : observers_) observer->run_started(run, schedule_delay);
  }
  void syncs_checked(scheduler::TimePoint now, const std::vector<scheduler::SyncActivity>& syncs) override {
    for (auto* observer : observers_) observer->syncs_checked(now, syncs);
  }
  void queue_depth_changed(std::size_t depth) override {
    for (auto* observer : observers_) observer->queue_depth_changed(depth);
  }

 private:
  std::vector<scheduler::SchedulerObserver*> observers_;
};

}  // namespace backflow::serve
