// Feeds the scheduler's events into the Prometheus metrics (service/metrics):
// runs by status, durations, rows read, records by outcome, queue depth and
// each sync's last success time.
#pragma once

#include "service/metrics/service_metrics.h"
#include "service/scheduler/scheduler_observer.h"

namespace backflow::serve {

class RunMetricsObserver : public scheduler::SchedulerObserver {
 public:
  // `metrics` must outlive the observer. Thread-safe.
  explicit RunMetricsObserver(metrics::ServiceMetrics& metrics) : metrics_(metrics) {}

  void run_finished(const state::RunRecord& run) override;
  void run_started(const state::RunRecord& run, std::optional<std::chrono::milliseconds> schedule_delay) override;
  void syncs_checked(scheduler::TimePoint now, const std::vector<scheduler::SyncActivity>& syncs) override;
  void queue_depth_changed(std::size_t depth) override;

 private:
  metrics::ServiceMetrics& metrics_;
};

}  // namespace backflow::serve
