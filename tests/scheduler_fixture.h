// Shared by tests/scheduler_*_test.cpp: a config built from a list of syncs
// and their schedules, a RunExecutor scripted per sync (outcome, holding a
// run until released, obeying stop requests like the runner), and a
// scheduler over real state stores with a ManualClock.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "service/config/config.h"
#include "service/scheduler/clock.h"
#include "service/scheduler/run_executor.h"
#include "service/scheduler/schedule_state_store.h"
#include "service/scheduler/scheduler.h"
#include "state/run_store.h"
#include "state/state_db.h"

namespace backflow::test {

// Syncs named in order with their `schedule:` value as YAML ("{ every: 10m }",
// "\"0 3 * * *\"", "manual", "{ after: [a] }"), over a SQLite warehouse and a
// webhook destination. Throws with the diagnostics when it does not load.
std::shared_ptr<const config::Config> config_with_syncs(const std::vector<std::pair<std::string, std::string>>& syncs,
                                                        const std::string& extra_yaml = "");
std::string config_yaml_with_syncs(const std::vector<std::pair<std::string, std::string>>& syncs,
                                   const std::string& extra_yaml = "");

class ScriptedExecutor : public scheduler::RunExecutor {
 public:
  struct Call {
    std::string sync;
    std::string run_id;
    bool resume = false;
    state::RunTrigger trigger = state::RunTrigger::Manual;
    scheduler::TimePoint at;  // clock time when it started
  };

  // Both must outlive the executor. Thread-safe.
  ScriptedExecutor(state::RunStore& runs, scheduler::Clock& clock);

  // How runs of `sync` end (default Succeeded, no counts).
  void set_outcome(const std::string& sync, state::RunPhase phase, state::RunCounts counts = {});
  // Runs of `sync` wait (in Deliver) until released or asked to stop.
  void hold(const std::string& sync);
  void release(const std::string& sync);
  // Waits (real time, up to 5 s) until a run of `sync` is being held.
  bool wait_until_held(const std::string& sync);

  std::vector<Call> calls() const;
  std::vector<Call> calls_of(const std::string& sync) const;
  std::size_t max_concurrent() const;
  bool any_held() const;

  state::RunRecord execute(const scheduler::RunRequest& request, const scheduler::RunSignal& signal) override;

 private:
  state::RunStore& runs_;
  scheduler::Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::pair<state::RunPhase, state::RunCounts>> outcomes_;
  std::map<std::string, bool> held_;
  std::map<std::string, int> waiting_;
  std::vector<Call> calls_;
  std::size_t running_ = 0;
  std::size_t max_running_ = 0;
};

// Real state stores in a fresh directory, a ManualClock, a ScriptedExecutor
// and a scheduler over them that can be stopped and started again on the
// same state (a service restart).
class SchedulerFixture {
 public:
  explicit SchedulerFixture(scheduler::TimePoint start_time);
  ~SchedulerFixture();

  // Creates and starts a scheduler (destroying the previous one first).
  scheduler::Scheduler& start(std::shared_ptr<const config::Config> config, scheduler::Scheduler::Options options = {});
  // Shuts the scheduler down (as SIGTERM would) and destroys it.
  void stop();
  scheduler::Scheduler& scheduler() { return *scheduler_; }

  // Moves the clock, lets the scheduler act on it and waits for every run
  // it starts to end (held runs excepted: returns after 5 s without them).
  void advance(std::chrono::milliseconds by);
  void settle();
  // Moves the clock and lets the scheduler act, without waiting for runs.
  void tick(std::chrono::milliseconds by);

  std::unique_ptr<state::StateDb> db;
  std::unique_ptr<state::RunStore> runs;
  std::unique_ptr<scheduler::ScheduleStateStore> schedule_state;
  scheduler::ManualClock clock;
  ScriptedExecutor executor;
  scheduler::SchedulerObserver* observer = nullptr;

 private:
  std::unique_ptr<scheduler::Scheduler> scheduler_;
};

// A UTC calendar time.
scheduler::TimePoint utc(int year, int month, int day, int hour, int minute, int second = 0);

}  // namespace backflow::test
