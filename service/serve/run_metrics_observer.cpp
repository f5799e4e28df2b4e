#include "service/serve/run_metrics_observer.h"

#include "service/scheduler/clock.h"

namespace backflow::serve {
namespace {

double as_double(std::uint64_t value) { return static_cast<double>(value); }

}  // namespace

void RunMetricsObserver::run_finished(const state::RunRecord& run) {
  metrics_.runs_total.with({run.sync, std::string(state::to_string(run.phase))}).inc();
  if (run.ended_at_ms >= run.started_at_ms) {
    metrics_.run_duration_seconds.with({run.sync}).observe(static_cast<double>(run.ended_at_ms - run.started_at_ms) /
                                                            1000.0);
  }
  metrics_.rows_read_total.with({run.sync}).inc(as_double(run.counts.rows_read));
  // The diff's ops, and what became of the records sent.
  const auto& c = run.counts;
  metrics_.records_total.with({run.sync, "added", "diffed"}).inc(as_double(c.added));
  metrics_.records_total.with({run.sync, "changed", "diffed"}).inc(as_double(c.changed));
  metrics_.records_total.with({run.sync, "removed", "diffed"}).inc(as_double(c.removed));
  metrics_.records_total.with({run.sync, "any", "accepted"}).inc(as_double(c.accepted));
  metrics_.records_total.with({run.sync, "any", "rejected"}).inc(as_double(c.rejected));
  metrics_.records_total.with({run.sync, "any", "undelivered"}).inc(as_double(c.undelivered));
  metrics_.records_total.with({run.sync, "any", "dead"}).inc(as_double(c.dead));
  metrics_.records_total.with({run.sync, "any", "invalid"}).inc(as_double(c.invalid));
  metrics_.records_total.with({run.sync, "any", "skipped"}).inc(as_double(c.skipped));
  if (state::is_completed(run.phase)) {
    metrics_.last_success_timestamp_seconds.with({run.sync}).set(static_cast<double>(run.ended_at_ms) / 1000.0);
  }
}

void RunMetricsObserver::run_started(const state::RunRecord&, std::optional<std::chrono::milliseconds> schedule_delay) {
  if (schedule_delay) metrics_.schedule_delay_seconds.with().observe(static_cast<double>(schedule_delay->count()) / 1000.0);
}

void RunMetricsObserver::syncs_checked(scheduler::TimePoint, const std::vector<scheduler::SyncActivity>& syncs) {
  // Successes from before this process started come from the run history.
  for (const auto& sync : syncs) {
    if (!sync.last_success) continue;
    auto& gauge = metrics_.last_success_timestamp_seconds.with({sync.name});
    double seconds = static_cast<double>(scheduler::to_unix_ms(*sync.last_success)) / 1000.0;
    if (gauge.value() < seconds) gauge.set(seconds);
  }
}

void RunMetricsObserver::queue_depth_changed(std::size_t depth) {
  metrics_.queue_depth.with({}).set(static_cast<double>(depth));
}

}  // namespace backflow::serve
