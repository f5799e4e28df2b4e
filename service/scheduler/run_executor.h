// What the scheduler hands a run to: the sync runner (service/runner) in the
// service, a scripted executor in tests.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <stop_token>

#include "service/config/config.h"
#include "service/scheduler/clock.h"
#include "state/run_record.h"

namespace backflow::scheduler {

// Why a run is asked to stop. Cancel: an operator cancelled it; the run ends
// Cancelled. Shutdown: the service is stopping; the run checkpoints and stays
// unfinished so the next start resumes it.
enum class StopReason { None, Cancel, Shutdown };

// The stop request of one run. The first reason given wins. Thread-safe.
class RunSignal {
 public:
  void request_stop(StopReason reason);
  std::stop_token token() const { return source_.get_token(); }
  StopReason reason() const { return reason_.load(); }

 private:
  std::stop_source source_;
  std::atomic<StopReason> reason_{StopReason::None};
};

struct RunRequest {
  // The config the run started under; it stays alive (and unchanged by a
  // reload) until the run ends. `sync` points into it.
  std::shared_ptr<const config::Config> config;
  const config::Sync* sync = nullptr;
  // The run, already persisted: a fresh Queued record, or the unfinished
  // record of an interrupted process when `resume` is true.
  state::RunRecord run;
  bool resume = false;
  // A run its schedule started: when it fell due (its scheduling delay is
  // measured from here). Unset for triggers, follow-ups and resumed runs.
  std::optional<TimePoint> due_at;
};

class RunExecutor {
 public:
  virtual ~RunExecutor() = default;

  // Runs `request.run` to its end, persisting its phases in the RunStore as
  // it goes, and returns its last state: terminal, or not terminal when it
  // stopped for StopReason::Shutdown (it is then resumed on the next start).
  // Called on a scheduler worker thread, concurrently for different syncs,
  // never twice at once for one sync. A throw is recorded as a Failed run
  // with the exception's message.
  virtual state::RunRecord execute(const RunRequest& request, const RunSignal& signal) = 0;
};

}  // namespace backflow::scheduler
