#include "tests/support/test_sync_controller.h"

#include <chrono>
#include <stdexcept>

namespace backflow::test {

using api::ControlError;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TestSyncController::TestSyncController(state::RunStore& runs, state::FailureStore& failures)
    : runs_(runs), failures_(failures) {}

void TestSyncController::add_sync(api::SyncSummary summary) {
  std::lock_guard lock(mutex_);
  syncs_[summary.name] = std::move(summary);
}

void TestSyncController::add_destination(const std::string& name, nlohmann::json request_log) {
  std::lock_guard lock(mutex_);
  destinations_[name] = std::move(request_log);
}

void TestSyncController::set_ready(bool ready) {
  std::lock_guard lock(mutex_);
  ready_ = ready;
}

void TestSyncController::set_reload_error(std::optional<std::string> error) {
  std::lock_guard lock(mutex_);
  reload_error_ = std::move(error);
}

int TestSyncController::reloads() const {
  std::lock_guard lock(mutex_);
  return reloads_;
}

state::RunRecord TestSyncController::finish_run(const std::string& run_id, state::RunPhase phase,
                                                const state::RunCounts& counts, std::int64_t ended_ms) {
  auto run = runs_.get(run_id);
  if (!run) throw std::runtime_error("finish_run: no run " + run_id);
  run->phase = phase;
  run->counts = counts;
  run->ended_at_ms = ended_ms;
  runs_.save(*run);
  return *run;
}

api::SyncSummary TestSyncController::with_live_state(api::SyncSummary summary) const {
  if (auto open = runs_.unfinished(summary.name)) {
    summary.state = open->phase == state::RunPhase::Queued ? "queued" : "running";
    summary.current_run_id = open->id;
  } else {
    summary.state = "idle";
    summary.current_run_id.reset();
  }
  if (summary.paused) summary.next_run_ms.reset();
  return summary;
}

void TestSyncController::require_sync_locked(const std::string& name) const {
  if (!syncs_.count(name)) throw ControlError(ControlError::Kind::NotFound, "no sync named '" + name + "'");
}

std::vector<api::SyncSummary> TestSyncController::list_syncs() const {
  std::lock_guard lock(mutex_);
  std::vector<api::SyncSummary> out;
  for (const auto& [name, summary] : syncs_) out.push_back(with_live_state(summary));
  return out;
}

std::optional<api::SyncSummary> TestSyncController::find_sync(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = syncs_.find(name);
  if (it == syncs_.end()) return std::nullopt;
  return with_live_state(it->second);
}

std::string TestSyncController::trigger(const std::string& name, bool full_resync, bool force) {
  std::lock_guard lock(mutex_);
  require_sync_locked(name);
  if (auto open = runs_.unfinished(name)) {
    throw ControlError(ControlError::Kind::Conflict,
                       "sync '" + name + "' already has run " + open->id + " in progress");
  }
  auto trigger = full_resync ? state::RunTrigger::Resync : state::RunTrigger::Api;
  return runs_.create(name, trigger, full_resync, force, now_ms()).id;
}

void TestSyncController::pause(const std::string& name) {
  std::lock_guard lock(mutex_);
  require_sync_locked(name);
  syncs_[name].paused = true;
}

void TestSyncController::resume(const std::string& name) {
  std::lock_guard lock(mutex_);
  require_sync_locked(name);
  syncs_[name].paused = false;
}

void TestSyncController::cancel(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  auto run = runs_.get(run_id);
  if (!run) throw ControlError(ControlError::Kind::NotFound, "no run with id '" + run_id + "'");
  if (state::is_terminal(run->phase)) {
    throw ControlError(ControlError::Kind::Conflict,
                       "run " + run_id + " already ended (" + std::string(state::to_string(run->phase)) + ")");
  }
  run->phase = state::RunPhase::Cancelled;
  run->ended_at_ms = now_ms();
  runs_.save(*run);
}

std::size_t TestSyncController::retry_dead(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    require_sync_locked(name);
  }
  return failures_.revive_dead(name);
}

void TestSyncController::reload_config() {
  std::lock_guard lock(mutex_);
  if (reload_error_) throw ControlError(ControlError::Kind::Invalid, *reload_error_);
  ++reloads_;
}

nlohmann::json TestSyncController::request_log(const std::string& destination) const {
  std::lock_guard lock(mutex_);
  auto it = destinations_.find(destination);
  if (it == destinations_.end()) {
    throw ControlError(ControlError::Kind::NotFound, "no destination named '" + destination + "'");
  }
  return it->second;
}

bool TestSyncController::ready() const {
  std::lock_guard lock(mutex_);
  return ready_;
}

}  // namespace backflow::test
