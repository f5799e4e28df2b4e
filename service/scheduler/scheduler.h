// The scheduler of `backflow serve`: decides when each sync of the config
// runs (cron, every, after:, manual), runs them on a worker pool, one run per
// sync at a time, and takes operators' actions (trigger, pause, cancel,
// config reload). Design §5, docs/scheduler.md.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "service/config/config.h"
#include "service/scheduler/clock.h"
#include "service/scheduler/run_executor.h"
#include "service/scheduler/schedule_state_store.h"
#include "service/scheduler/scheduler_observer.h"
#include "service/scheduler/shard.h"
#include "service/scheduler/worker_pool.h"
#include "state/run_store.h"

namespace backflow::scheduler {

enum class SyncState { Idle, Queued, Running };

// A sync as the scheduler sees it now. `config` keeps `sync` alive.
struct SyncStatus {
  std::shared_ptr<const config::Config> config;
  const config::Sync* sync = nullptr;
  bool paused = false;
  SyncState state = SyncState::Idle;
  std::optional<std::string> run_id;   // while queued or running
  std::optional<TimePoint> next_due;   // time-driven, unpaused syncs only
};

struct TriggerResult {
  enum class Status { Started, UnknownSync, Busy, ShuttingDown };
  Status status = Status::Started;
  std::string run_id;  // the new run (Started) or the one in the way (Busy)
};

enum class CancelResult { Requested, UnknownRun, AlreadyEnded };

class Scheduler {
 public:
  struct Options {
    std::size_t workers = 4;
    Shard shard;  // only syncs this shard owns are scheduled, listed or triggerable
  };

  // Every reference must outlive the scheduler; `observer` may be null.
  // Nothing runs until start().
  Scheduler(std::shared_ptr<const config::Config> config, Options options, Clock& clock, RunExecutor& executor,
            state::RunStore& runs, ScheduleStateStore& schedule_state, SchedulerObserver* observer);
  ~Scheduler();  // shutdown(0) if still running
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Queues the interrupted (unfinished) runs of unpaused syncs for resuming,
  // then starts the workers and the timer thread. Call once.
  void start();

  // Schedules what is due at clock.now(). The timer thread calls it on its
  // own; tests with a ManualClock may call it to avoid waiting for it.
  void poll();

  // Stops taking runs, asks running runs to stop (StopReason::Shutdown) and
  // waits up to `grace` (real time) for them to return. Runs queued but not
  // started stay Queued in the RunStore and are resumed by the next start.
  // Returns false when runs were still going at the deadline: their threads
  // are then left to the process's exit. Idempotent.
  bool shutdown(std::chrono::milliseconds grace);

  // Replaces the config: syncs new to it start scheduling, removed ones stop
  // (a run of theirs in progress finishes under the old config), changed
  // ones use the new definition from their next run on.
  void apply_config(std::shared_ptr<const config::Config> config);

  // Starts a run of `sync` now (with `trigger` recorded on it), unless the
  // sync has a run queued or running.
  TriggerResult trigger(const std::string& sync, state::RunTrigger trigger, bool full_resync, bool force);

  // Pauses or resumes scheduling of `sync` (persisted). Returns false for an
  // unknown sync. A run in progress is not affected.
  bool set_paused(const std::string& sync, bool paused);

  // Asks run `run_id` to stop (StopReason::Cancel); a queued run is cancelled
  // before it starts. An unfinished run no worker is running (left by an
  // earlier process) is marked Cancelled at once.
  CancelResult cancel(const std::string& run_id);

  std::vector<SyncStatus> list() const;  // by name
  std::optional<SyncStatus> find(const std::string& sync) const;
  std::shared_ptr<const config::Config> config() const;

  // Blocks until no run is queued or running, or `timeout` (real time) passes.
  // Returns whether it became idle. For tests and benchmarks.
  bool wait_idle(std::chrono::milliseconds timeout) const;

 private:
  struct Slot;
  void apply_config_locked(std::shared_ptr<const config::Config> config);
  void add_slot_locked(const config::Sync& sync);
  void poll_locked(TimePoint now);
  bool parents_succeeded_locked(const Slot& slot) const;
  void enqueue_locked(Slot& slot, state::RunTrigger trigger, bool full_resync, bool force,
                      std::optional<state::RunRecord> resume, std::optional<TimePoint> due_at = std::nullopt);
  void resume_unfinished_locked(Slot& slot);
  void execute(const std::string& sync, RunRequest request, std::shared_ptr<RunSignal> signal);
  state::RunRecord execute_guarded(const RunRequest& request, const RunSignal& signal);
  void finish(const std::string& sync, const state::RunRecord& run);
  void timer_loop();
  std::optional<TimePoint> due_locked(const Slot& slot) const;
  SyncStatus status_of(const Slot& slot) const;
  std::vector<SyncActivity> activities_locked() const;
  void report_queue_depth();

  Options options_;
  Clock& clock_;
  RunExecutor& executor_;
  state::RunStore& runs_;
  ScheduleStateStore& schedule_state_;
  SchedulerObserver* observer_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;          // the timer thread: something changed
  mutable std::condition_variable idle_;  // a run ended
  std::shared_ptr<const config::Config> config_;
  std::map<std::string, std::unique_ptr<Slot>> slots_;
  std::size_t active_runs_ = 0;   // queued or running
  std::size_t running_runs_ = 0;  // handed to the executor
  bool after_dirty_ = true;      // a run ended or a pause changed: re-check after: schedules
  bool started_ = false;
  bool shutting_down_ = false;
  std::unique_ptr<WorkerPool> pool_;
  std::thread timer_;
};

}  // namespace backflow::scheduler
