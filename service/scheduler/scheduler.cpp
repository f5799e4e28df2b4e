#include "service/scheduler/scheduler.h"

#include <spdlog/spdlog.h>

#include <set>
#include <variant>

#include "service/scheduler/schedule_timing.h"
#include "service/scheduler/sync_groups.h"

namespace backflow::scheduler {
namespace {

constexpr std::chrono::seconds kMaxIdleWait{1};  // the longest the timer sleeps (time-based alert checks)
constexpr std::size_t kHistoryRuns = 50;         // runs read per sync on start to find its last success

}  // namespace

struct Scheduler::Slot {
  std::shared_ptr<const config::Config> config;  // the config `sync` belongs to
  const config::Sync* sync = nullptr;
  SyncScheduleState persisted;
  TimePoint first_seen;
  SyncState state = SyncState::Idle;
  std::string run_id;                  // while queued or running
  std::shared_ptr<RunSignal> signal;   // while queued or running
  bool follow_up = false;              // became due while running: run once more when it ends
  bool removed = false;                // gone from the config; dropped when its run ends
  std::optional<TimePoint> last_start;    // of its newest run
  std::optional<TimePoint> last_success;  // end of its newest Succeeded run
  std::optional<state::RunPhase> last_outcome;  // of its newest ended run
};

Scheduler::Scheduler(std::shared_ptr<const config::Config> config, Options options, Clock& clock,
                     RunExecutor& executor, state::RunStore& runs, ScheduleStateStore& schedule_state,
                     SchedulerObserver* observer)
    : options_(options),
      clock_(clock),
      executor_(executor),
      runs_(runs),
      schedule_state_(schedule_state),
      observer_(observer),
      pool_(std::make_unique<WorkerPool>(options.workers)) {
  std::lock_guard lock(mutex_);
  apply_config_locked(std::move(config));
}

Scheduler::~Scheduler() {
  shutdown(std::chrono::hours(24));
  pool_.reset();
}

void Scheduler::start() {
  {
    std::lock_guard lock(mutex_);
    if (started_ || shutting_down_) return;
    started_ = true;
    for (auto& [name, slot] : slots_) resume_unfinished_locked(*slot);
  }
  timer_ = std::thread([this] { timer_loop(); });
}

void Scheduler::poll() {
  std::lock_guard lock(mutex_);
  poll_locked(clock_.now());
}

bool Scheduler::shutdown(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mutex_);
    if (!shutting_down_) {
      shutting_down_ = true;
      for (auto& [name, slot] : slots_) {
        if (slot->signal) slot->signal->request_stop(StopReason::Shutdown);
      }
    }
  }
  wake_.notify_all();
  if (timer_.joinable() && timer_.get_id() != std::this_thread::get_id()) timer_.join();
  bool all_returned;
  {
    std::unique_lock lock(mutex_);
    all_returned = idle_.wait_for(lock, grace, [this] { return running_runs_ == 0; });
  }
  if (all_returned && pool_) pool_->stop();
  return all_returned;
}

void Scheduler::apply_config(std::shared_ptr<const config::Config> config) {
  {
    std::lock_guard lock(mutex_);
    apply_config_locked(std::move(config));
  }
  wake_.notify_all();
}

void Scheduler::apply_config_locked(std::shared_ptr<const config::Config> config) {
  config_ = std::move(config);
  std::set<std::string> wanted;
  for (const auto& [sync, key] : shard_keys(*config_)) {
    if (options_.shard.owns(key)) wanted.insert(sync);
  }
  for (auto it = slots_.begin(); it != slots_.end();) {
    Slot& slot = *it->second;
    if (wanted.count(it->first)) {
      ++it;
    } else if (slot.state == SyncState::Idle) {
      it = slots_.erase(it);
    } else {
      slot.removed = true;
      slot.follow_up = false;
      ++it;
    }
  }
  for (const auto& sync : config_->syncs) {
    if (!wanted.count(sync.name)) continue;
    auto it = slots_.find(sync.name);
    if (it != slots_.end()) {
      it->second->config = config_;
      it->second->sync = &sync;
      it->second->removed = false;
    } else {
      add_slot_locked(sync);
      if (started_) resume_unfinished_locked(*slots_[sync.name]);
    }
  }
  after_dirty_ = true;
}

void Scheduler::add_slot_locked(const config::Sync& sync) {
  auto slot = std::make_unique<Slot>();
  slot->config = config_;
  slot->sync = &sync;
  slot->first_seen = clock_.now();
  slot->persisted = schedule_state_.get(sync.name);
  if (!slot->persisted.last_fire_ms && std::holds_alternative<config::CronSchedule>(sync.schedule)) {
    // Anchor the schedule now, so that a slot missed while the service is
    // down before the first firing is still caught up on the next start.
    slot->persisted.last_fire_ms = to_unix_ms(slot->first_seen);
    schedule_state_.put(sync.name, slot->persisted);
  }
  for (const auto& run : runs_.list(sync.name, kHistoryRuns)) {
    if (!slot->last_start) slot->last_start = from_unix_ms(run.started_at_ms);
    if (!state::is_terminal(run.phase)) continue;
    if (!slot->last_outcome) slot->last_outcome = run.phase;
    if (state::is_completed(run.phase)) {
      slot->last_success = from_unix_ms(run.ended_at_ms);
      break;
    }
  }
  if (!slot->persisted.last_fire_ms && slot->last_start &&
      std::holds_alternative<config::EverySchedule>(sync.schedule)) {
    // Never fired by the scheduler but run before (`backflow run`, another
    // service): the interval counts from that run, not from now.
    slot->persisted.last_fire_ms = to_unix_ms(*slot->last_start);
  }
  slots_[sync.name] = std::move(slot);
}

std::optional<TimePoint> Scheduler::due_locked(const Slot& slot) const {
  std::optional<TimePoint> last_fire;
  if (slot.persisted.last_fire_ms) last_fire = from_unix_ms(*slot.persisted.last_fire_ms);
  return next_due(slot.sync->schedule, last_fire, slot.first_seen);
}

void Scheduler::poll_locked(TimePoint now) {
  if (shutting_down_ || !started_) return;
  for (auto& [name, slot] : slots_) {
    if (slot->removed || slot->persisted.paused) continue;
    auto due = due_locked(*slot);
    if (!due || *due > now) continue;
    slot->persisted.last_fire_ms = to_unix_ms(fire_mark(slot->sync->schedule, *due, now));
    schedule_state_.put(name, slot->persisted);
    if (slot->state == SyncState::Idle) {
      enqueue_locked(*slot, state::RunTrigger::Schedule, false, false, std::nullopt, *due);
    } else if (slot->state == SyncState::Running) {
      slot->follow_up = true;  // coalesced: one more run when this one ends, however many slots pass
    }
  }
  if (!after_dirty_) return;
  after_dirty_ = false;
  for (auto& [name, slot] : slots_) {
    if (slot->removed || slot->persisted.paused || slot->state != SyncState::Idle) continue;
    if (!std::holds_alternative<config::AfterSchedule>(slot->sync->schedule)) continue;
    if (parents_succeeded_locked(*slot)) enqueue_locked(*slot, state::RunTrigger::Schedule, false, false, std::nullopt);
  }
}

bool Scheduler::parents_succeeded_locked(const Slot& slot) const {
  const auto& after = std::get<config::AfterSchedule>(slot.sync->schedule);
  for (const auto& parent_name : after.syncs) {
    auto it = slots_.find(parent_name);
    if (it == slots_.end()) return false;
    const Slot& parent = *it->second;
    if (!parent.last_outcome || !state::is_completed(*parent.last_outcome) || !parent.last_success) return false;
    if (slot.last_start && *parent.last_success <= *slot.last_start) return false;
  }
  return true;
}

void Scheduler::enqueue_locked(Slot& slot, state::RunTrigger trigger, bool full_resync, bool force,
                               std::optional<state::RunRecord> resume, std::optional<TimePoint> due_at) {
  const std::string& name = slot.sync->name;
  auto now = clock_.now();
  bool resuming = resume.has_value();
  state::RunRecord run = resuming ? std::move(*resume) : runs_.create(name, trigger, full_resync, force, to_unix_ms(now));
  slot.state = SyncState::Queued;
  slot.run_id = run.id;
  slot.signal = std::make_shared<RunSignal>();
  if (!resuming) slot.last_start = now;
  ++active_runs_;
  spdlog::info("run queued: sync={} run={} trigger={}{}", name, run.id, state::to_string(run.trigger),
               resuming ? " (resuming an interrupted run)" : "");
  RunRequest request{slot.config, slot.sync, std::move(run), resuming, due_at};
  pool_->submit([this, name, request = std::move(request), signal = slot.signal]() mutable {
    execute(name, std::move(request), std::move(signal));
  });
  report_queue_depth();
}

void Scheduler::resume_unfinished_locked(Slot& slot) {
  if (slot.state != SyncState::Idle || slot.persisted.paused || slot.removed) return;
  if (auto unfinished = runs_.unfinished(slot.sync->name)) {
    enqueue_locked(slot, unfinished->trigger, unfinished->full_resync, unfinished->force, std::move(*unfinished));
  }
}

void Scheduler::execute(const std::string& sync, RunRequest request, std::shared_ptr<RunSignal> signal) {
  {
    std::lock_guard lock(mutex_);
    if (shutting_down_) {
      // Not started: the run stays Queued in the RunStore and the next start resumes it.
      --active_runs_;
      idle_.notify_all();
      return;
    }
    slots_.at(sync)->state = SyncState::Running;
    ++running_runs_;
  }
  report_queue_depth();
  state::RunRecord result;
  if (signal->reason() == StopReason::Cancel) {
    result = request.run;
    result.phase = state::RunPhase::Cancelled;
    result.ended_at_ms = to_unix_ms(clock_.now());
    result.error = "cancelled before it started";
    runs_.save(result);
  } else {
    std::optional<std::chrono::milliseconds> delay;
    if (request.due_at) {
      delay = std::max(std::chrono::milliseconds(0),
                       std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - *request.due_at));
      spdlog::info("run started: sync={} run={} schedule_delay_ms={}", sync, request.run.id, delay->count());
    } else {
      spdlog::info("run started: sync={} run={}", sync, request.run.id);
    }
    if (observer_ != nullptr) observer_->run_started(request.run, delay);
    result = execute_guarded(request, *signal);
  }
  finish(sync, result);
}

state::RunRecord Scheduler::execute_guarded(const RunRequest& request, const RunSignal& signal) {
  std::string error;
  try {
    return executor_.execute(request, signal);
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown exception";
  }
  state::RunRecord run = runs_.get(request.run.id).value_or(request.run);
  if (!state::is_terminal(run.phase)) {
    run.error_phase = std::string(state::to_string(run.phase));
    run.phase = state::RunPhase::Failed;
    run.error = error;
    run.ended_at_ms = to_unix_ms(clock_.now());
    runs_.save(run);
  }
  return run;
}

void Scheduler::finish(const std::string& sync, const state::RunRecord& run) {
  bool ended = state::is_terminal(run.phase);
  if (ended) {
    // Failed runs at error level, partial and blocked ones at warning: an
    // operator filtering by level sees every run that did not fully succeed.
    const spdlog::level::level_enum level = run.phase == state::RunPhase::Failed ? spdlog::level::err
                                            : run.phase == state::RunPhase::Partial || run.phase == state::RunPhase::Blocked
                                                ? spdlog::level::warn
                                                : spdlog::level::info;
    const auto& c = run.counts;
    spdlog::log(level, "run ended: sync={} run={} phase={} sent={} accepted={} rejected={} undelivered={} invalid={}{}{}",
                sync, run.id, state::to_string(run.phase), c.sent, c.accepted, c.rejected, c.undelivered, c.invalid,
                run.error.empty() ? "" : " error=", run.error);
    if (observer_) observer_->run_finished(run);
  } else {
    spdlog::info("run stopped for shutdown: sync={} run={} phase={} (resumed on next start)", sync, run.id,
                 state::to_string(run.phase));
  }
  {
    std::lock_guard lock(mutex_);
    --active_runs_;
    --running_runs_;
    auto it = slots_.find(sync);
    if (it != slots_.end()) {
      Slot& slot = *it->second;
      slot.state = SyncState::Idle;
      slot.run_id.clear();
      slot.signal.reset();
      if (ended) {
        slot.last_outcome = run.phase;
        if (state::is_completed(run.phase)) slot.last_success = clock_.now();
        after_dirty_ = true;
      }
      bool follow_up = slot.follow_up && !shutting_down_ && !slot.persisted.paused && !slot.removed;
      slot.follow_up = false;
      if (slot.removed) {
        slots_.erase(it);
      } else if (follow_up) {
        enqueue_locked(slot, state::RunTrigger::Schedule, false, false, std::nullopt);
      }
    }
  }
  wake_.notify_all();
  idle_.notify_all();
}

void Scheduler::timer_loop() {
  std::unique_lock lock(mutex_);
  while (!shutting_down_) {
    auto now = clock_.now();
    poll_locked(now);
    auto activities = activities_locked();
    lock.unlock();
    if (observer_) observer_->syncs_checked(now, activities);
    lock.lock();
    if (shutting_down_) break;
    if (after_dirty_) continue;
    TimePoint deadline = now + kMaxIdleWait;
    for (const auto& [name, slot] : slots_) {
      if (slot->removed || slot->persisted.paused) continue;
      if (auto due = due_locked(*slot); due && *due < deadline) deadline = *due;
    }
    if (deadline > clock_.now()) clock_.wait_until(lock, wake_, deadline);
  }
}

TriggerResult Scheduler::trigger(const std::string& sync, state::RunTrigger trigger, bool full_resync, bool force) {
  std::lock_guard lock(mutex_);
  if (shutting_down_) return {TriggerResult::Status::ShuttingDown, ""};
  auto it = slots_.find(sync);
  if (it == slots_.end() || it->second->removed) return {TriggerResult::Status::UnknownSync, ""};
  Slot& slot = *it->second;
  if (slot.state != SyncState::Idle) return {TriggerResult::Status::Busy, slot.run_id};
  enqueue_locked(slot, trigger, full_resync, force, std::nullopt);
  return {TriggerResult::Status::Started, slot.run_id};
}

bool Scheduler::set_paused(const std::string& sync, bool paused) {
  {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(sync);
    if (it == slots_.end() || it->second->removed) return false;
    Slot& slot = *it->second;
    if (slot.persisted.paused != paused) {
      slot.persisted.paused = paused;
      schedule_state_.put(sync, slot.persisted);
      spdlog::info("sync {}: sync={}", paused ? "paused" : "resumed", sync);
    }
    if (!paused && started_ && !shutting_down_) resume_unfinished_locked(slot);
    after_dirty_ = true;
  }
  wake_.notify_all();
  return true;
}

CancelResult Scheduler::cancel(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  for (auto& [name, slot] : slots_) {
    if (slot->run_id == run_id && slot->signal) {
      slot->signal->request_stop(StopReason::Cancel);
      spdlog::info("run cancel requested: sync={} run={}", name, run_id);
      return CancelResult::Requested;
    }
  }
  auto run = runs_.get(run_id);
  if (!run) return CancelResult::UnknownRun;
  if (state::is_terminal(run->phase)) return CancelResult::AlreadyEnded;
  // Left unfinished by an earlier process and not resumed (its sync is
  // paused or gone): no worker holds it, so it can end here.
  run->phase = state::RunPhase::Cancelled;
  run->ended_at_ms = to_unix_ms(clock_.now());
  run->error = "cancelled while interrupted";
  runs_.save(*run);
  return CancelResult::Requested;
}

std::vector<SyncStatus> Scheduler::list() const {
  std::lock_guard lock(mutex_);
  std::vector<SyncStatus> result;
  for (const auto& [name, slot] : slots_) {
    if (!slot->removed) result.push_back(status_of(*slot));
  }
  return result;
}

std::optional<SyncStatus> Scheduler::find(const std::string& sync) const {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(sync);
  if (it == slots_.end() || it->second->removed) return std::nullopt;
  return status_of(*it->second);
}

std::shared_ptr<const config::Config> Scheduler::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

bool Scheduler::wait_idle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return active_runs_ == 0; });
}

SyncStatus Scheduler::status_of(const Slot& slot) const {
  SyncStatus status;
  status.config = slot.config;
  status.sync = slot.sync;
  status.paused = slot.persisted.paused;
  status.state = slot.state;
  if (slot.state != SyncState::Idle) status.run_id = slot.run_id;
  if (!slot.persisted.paused) status.next_due = due_locked(slot);
  return status;
}

std::vector<SyncActivity> Scheduler::activities_locked() const {
  std::vector<SyncActivity> activities;
  activities.reserve(slots_.size());
  for (const auto& [name, slot] : slots_) {
    if (slot->removed) continue;
    activities.push_back({name, slot->last_success, slot->first_seen, slot->persisted.paused});
  }
  return activities;
}

void Scheduler::report_queue_depth() {
  if (observer_) observer_->queue_depth_changed(pool_->pending());
}

}  // namespace backflow::scheduler
