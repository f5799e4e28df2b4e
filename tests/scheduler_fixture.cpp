#include "tests/scheduler_fixture.h"

#include <stdexcept>
#include <stop_token>

#include "service/config/config_loader.h"
#include "tests/support/test_env.h"

namespace backflow::test {

std::string config_yaml_with_syncs(const std::vector<std::pair<std::string, std::string>>& syncs,
                                   const std::string& extra_yaml) {
  std::string yaml =
      "version: 1\n"
      "warehouses:\n"
      "  wh: { connection: \"Driver=SQLite3;Database=/tmp/none.db\", dialect: sqlite }\n"
      "destinations:\n"
      "  hook: { type: webhook, url: \"http://127.0.0.1:9/hook\" }\n" +
      extra_yaml + "syncs:\n";
  for (const auto& [name, schedule] : syncs) {
    yaml += "  " + name +
            ":\n"
            "    source: { warehouse: wh, table: t, primary_key: id }\n"
            "    destination: { name: hook, mode: upsert }\n"
            "    mapping: { id: id }\n"
            "    schedule: " +
            schedule + "\n";
  }
  return yaml;
}

std::shared_ptr<const config::Config> config_with_syncs(const std::vector<std::pair<std::string, std::string>>& syncs,
                                                        const std::string& extra_yaml) {
  auto result = config::load_config_text(config_yaml_with_syncs(syncs, extra_yaml), "test.yaml");
  if (!result.ok()) {
    std::string errors;
    for (const auto& d : result.diagnostics) errors += config::format_diagnostic(d) + "\n";
    throw std::runtime_error("test config does not load:\n" + errors);
  }
  return std::make_shared<const config::Config>(std::move(*result.config));
}

ScriptedExecutor::ScriptedExecutor(state::RunStore& runs, scheduler::Clock& clock) : runs_(runs), clock_(clock) {}

void ScriptedExecutor::set_outcome(const std::string& sync, state::RunPhase phase, state::RunCounts counts) {
  std::lock_guard lock(mutex_);
  outcomes_[sync] = {phase, counts};
}

void ScriptedExecutor::hold(const std::string& sync) {
  std::lock_guard lock(mutex_);
  held_[sync] = true;
}

void ScriptedExecutor::release(const std::string& sync) {
  {
    std::lock_guard lock(mutex_);
    held_[sync] = false;
  }
  changed_.notify_all();
}

bool ScriptedExecutor::wait_until_held(const std::string& sync) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return waiting_[sync] > 0; });
}

std::vector<ScriptedExecutor::Call> ScriptedExecutor::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::vector<ScriptedExecutor::Call> ScriptedExecutor::calls_of(const std::string& sync) const {
  std::vector<Call> result;
  for (const auto& call : calls()) {
    if (call.sync == sync) result.push_back(call);
  }
  return result;
}

bool ScriptedExecutor::any_held() const {
  std::lock_guard lock(mutex_);
  for (const auto& [sync, held] : held_) {
    if (held) return true;
  }
  return false;
}

std::size_t ScriptedExecutor::max_concurrent() const {
  std::lock_guard lock(mutex_);
  return max_running_;
}

state::RunRecord ScriptedExecutor::execute(const scheduler::RunRequest& request, const scheduler::RunSignal& signal) {
  state::RunRecord run = request.run;
  const std::string& sync = request.sync->name;
  auto stop = signal.token();
  // Wakes the wait below when the scheduler asks the run to stop.
  std::stop_callback wake(stop, [this] {
    { std::lock_guard guard(mutex_); }
    changed_.notify_all();
  });
  std::unique_lock lock(mutex_);
  calls_.push_back({sync, run.id, request.resume, run.trigger, clock_.now()});
  max_running_ = std::max(max_running_, ++running_);
  run.phase = state::RunPhase::Deliver;
  runs_.save(run);
  ++waiting_[sync];
  changed_.notify_all();
  changed_.wait(lock, [&] { return !held_[sync] || stop.stop_requested(); });
  --waiting_[sync];
  --running_;
  if (stop.stop_requested() && signal.reason() == scheduler::StopReason::Shutdown) {
    run.checkpoint.batches_acked += 1;  // as the runner does: checkpoint, stay unfinished
    runs_.save(run);
    return run;
  }
  if (stop.stop_requested()) {
    run.phase = state::RunPhase::Cancelled;
  } else {
    auto outcome = outcomes_.find(sync);
    run.phase = outcome == outcomes_.end() ? state::RunPhase::Succeeded : outcome->second.first;
    if (outcome != outcomes_.end()) run.counts = outcome->second.second;
    if (run.phase == state::RunPhase::Failed) {
      run.error_phase = "deliver";
      run.error = "HTTP 500 from the destination";
    }
    if (run.phase == state::RunPhase::Blocked) {
      run.error_phase = "guard";
      run.error = "would remove 80% of the records (max_removed_pct 20)";
    }
  }
  run.ended_at_ms = scheduler::to_unix_ms(clock_.now());
  runs_.save(run);
  return run;
}

SchedulerFixture::SchedulerFixture(scheduler::TimePoint start_time)
    : db(state::StateDb::open(make_temp_dir("scheduler") / "state")),
      runs(std::make_unique<state::RunStore>(*db)),
      schedule_state(std::make_unique<scheduler::ScheduleStateStore>(*db)),
      clock(start_time),
      executor(*runs, clock) {}

SchedulerFixture::~SchedulerFixture() { stop(); }

scheduler::Scheduler& SchedulerFixture::start(std::shared_ptr<const config::Config> config,
                                              scheduler::Scheduler::Options options) {
  stop();
  scheduler_ = std::make_unique<scheduler::Scheduler>(std::move(config), options, clock, executor, *runs,
                                                      *schedule_state, observer);
  scheduler_->start();
  settle();
  return *scheduler_;
}

void SchedulerFixture::stop() {
  if (!scheduler_) return;
  scheduler_->shutdown(std::chrono::seconds(5));
  scheduler_.reset();
}

void SchedulerFixture::advance(std::chrono::milliseconds by) {
  clock.advance(by);
  settle();
}

void SchedulerFixture::tick(std::chrono::milliseconds by) {
  clock.advance(by);
  scheduler_->poll();
}

void SchedulerFixture::settle() {
  // Two rounds: runs ending can make after: children due.
  for (int round = 0; round < 3; ++round) {
    scheduler_->poll();
    // Held runs never end by themselves: do not wait for them long.
    scheduler_->wait_idle(executor.any_held() ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000));
  }
}

scheduler::TimePoint utc(int year, int month, int day, int hour, int minute, int second) {
  std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                   std::chrono::day(static_cast<unsigned>(day))};
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

}  // namespace backflow::test
