#include "service/alerts/alert_monitor.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>

#include "common/text.h"

#include "service/scheduler/clock.h"
#include "common/duration.h"

namespace backflow::alerts {
namespace {

std::string target_id(const config::Alert& alert) {
  std::string definition = std::string(config::to_string(alert.type)) + "\n" + alert.url + "\n" +
                           std::to_string(alert.rejected_pct) + "\n" + std::to_string(alert.stale_after.count());
  for (const auto& event : alert.events) definition += "\n" + event;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(XXH64(definition.data(), definition.size(), 0)));
  return hex;
}


std::string age_text(std::chrono::milliseconds age) {
  return backflow::format_duration(std::chrono::duration_cast<std::chrono::seconds>(age));
}

std::string run_clause(const state::RunRecord& run) { return " (run " + run.id + ")"; }

AlertNotice notice_for(AlertCondition condition, NoticeStatus status, const state::RunRecord& run, std::string text) {
  AlertNotice notice;
  notice.condition = condition;
  notice.status = status;
  notice.sync = run.sync;
  notice.run_id = run.id;
  notice.at_ms = run.ended_at_ms;
  notice.text = std::move(text);
  notice.details = {{"phase", state::to_string(run.phase)}};
  if (!run.error.empty()) notice.details["error"] = run.error;
  if (!run.error_phase.empty()) notice.details["error_phase"] = run.error_phase;
  return notice;
}

}  // namespace

bool AlertMonitor::Target::wants(AlertCondition condition) const {
  return std::find(alert.events.begin(), alert.events.end(), to_string(condition)) != alert.events.end();
}

AlertMonitor::AlertMonitor(std::vector<config::Alert> targets, AlertSink& sink, AlertStateStore* store)
    : sink_(sink), store_(store) {
  set_targets(std::move(targets));
}

void AlertMonitor::set_targets(std::vector<config::Alert> targets) {
  std::lock_guard lock(mutex_);
  targets_.clear();
  for (auto& alert : targets) {
    std::string id = target_id(alert);
    targets_.push_back({std::move(alert), std::move(id)});
  }
}

void AlertMonitor::run_finished(const state::RunRecord& run) {
  using state::RunPhase;
  const bool completed = state::is_completed(run.phase);  // succeeded or partial: it finished and committed
  if (!completed && run.phase != RunPhase::Failed && run.phase != RunPhase::Blocked) return;
  std::lock_guard lock(mutex_);
  bool succeeded = run.phase == RunPhase::Succeeded;
  const std::string finished_again =
      succeeded ? " succeeded again" : " finished again (partial: " + run.error + ")";
  auto previous = last_phase_.find(run.sync);
  bool newly_succeeding = succeeded && (previous == last_phase_.end() || previous->second != RunPhase::Succeeded);
  const std::string& sync = run.sync;
  for (const auto& target : targets_) {
    if (target.wants(AlertCondition::RunFailed) && run.phase != RunPhase::Blocked) {
      transition_locked(target, AlertCondition::RunFailed, sync, !completed,
                        completed ? notice_for(AlertCondition::RunFailed, NoticeStatus::Resolved, run,
                                               "sync " + sync + finished_again + run_clause(run))
                                  : notice_for(AlertCondition::RunFailed, NoticeStatus::Firing, run,
                                               "sync " + sync + " failed in phase " + run.error_phase +
                                                   run_clause(run) + ": " + run.error));
    }
    if (target.wants(AlertCondition::RunBlocked) && run.phase != RunPhase::Failed) {
      transition_locked(target, AlertCondition::RunBlocked, sync, !completed,
                        completed ? notice_for(AlertCondition::RunBlocked, NoticeStatus::Resolved, run,
                                               "sync " + sync + " is no longer blocked: it " +
                                                   (succeeded ? "succeeded" : "finished (partial)") + run_clause(run))
                                  : notice_for(AlertCondition::RunBlocked, NoticeStatus::Firing, run,
                                               "sync " + sync + " was blocked by a guard, nothing was sent" +
                                                   run_clause(run) + ": " + run.error));
    }
    if (target.wants(AlertCondition::RejectedRecords) && (completed || run.counts.sent > 0)) {
      double share = run.counts.sent == 0 ? 0.0
                                          : 100.0 * static_cast<double>(run.counts.rejected) /
                                                static_cast<double>(run.counts.sent);
      bool above = share > target.alert.rejected_pct;
      std::string counts = std::to_string(run.counts.rejected) + " of " + std::to_string(run.counts.sent) +
                           " sent, threshold " + text::percent_text(target.alert.rejected_pct);
      auto notice = notice_for(AlertCondition::RejectedRecords, above ? NoticeStatus::Firing : NoticeStatus::Resolved,
                               run,
                               "sync " + sync + (above ? " had " : " is back to ") + text::percent_text(share) +
                                   " of its records rejected (" + counts + ")" + run_clause(run));
      notice.details["rejected"] = run.counts.rejected;
      notice.details["sent"] = run.counts.sent;
      notice.details["rejected_pct"] = share;
      notice.details["threshold_pct"] = target.alert.rejected_pct;
      transition_locked(target, AlertCondition::RejectedRecords, sync, above, std::move(notice));
    }
    if (target.wants(AlertCondition::SyncStale) && completed) {
      transition_locked(target, AlertCondition::SyncStale, sync, false,
                        notice_for(AlertCondition::SyncStale, NoticeStatus::Resolved, run,
                                   "sync " + sync + finished_again + run_clause(run)));
    }
    if (target.wants(AlertCondition::RunSucceeded) && newly_succeeding) {
      const auto& c = run.counts;
      sink_.deliver(target.alert,
                    notice_for(AlertCondition::RunSucceeded, NoticeStatus::Notice, run,
                               "sync " + sync + " succeeded" + run_clause(run) + ": " + std::to_string(c.added) +
                                   " added, " + std::to_string(c.changed) + " changed, " + std::to_string(c.removed) +
                                   " removed, " + std::to_string(c.rejected) + " rejected"));
    }
  }
  last_phase_[sync] = run.phase;
}

void AlertMonitor::syncs_checked(scheduler::TimePoint now, const std::vector<scheduler::SyncActivity>& syncs) {
  std::lock_guard lock(mutex_);
  for (const auto& target : targets_) {
    if (!target.wants(AlertCondition::SyncStale)) continue;
    for (const auto& sync : syncs) {
      if (sync.paused) continue;
      auto since = sync.last_success.value_or(sync.first_seen);
      auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - since);
      bool stale = age > target.alert.stale_after;
      // Without a success on record the age restarts with the process, so
      // only a success may clear the condition.
      if (!stale && !sync.last_success) continue;
      AlertNotice notice;
      notice.condition = AlertCondition::SyncStale;
      notice.status = stale ? NoticeStatus::Firing : NoticeStatus::Resolved;
      notice.sync = sync.name;
      notice.at_ms = scheduler::to_unix_ms(now);
      notice.text = "sync " + sync.name +
                    (stale ? " has not succeeded for " + age_text(age) : " is no longer stale") +
                    " (threshold " + age_text(target.alert.stale_after) + ")";
      notice.details = {{"age_ms", age.count()}, {"threshold_ms", target.alert.stale_after.count()}};
      if (sync.last_success) notice.details["last_success_ms"] = scheduler::to_unix_ms(*sync.last_success);
      transition_locked(target, AlertCondition::SyncStale, sync.name, stale, std::move(notice));
    }
  }
}

void AlertMonitor::transition_locked(const Target& target, AlertCondition condition, const std::string& sync,
                                     bool firing, AlertNotice notice) {
  std::string key = target.id + "/" + std::string(to_string(condition)) + "/" + sync;
  if (firing_locked(key) == firing) return;
  firing_[key] = firing;
  if (store_) store_->set_firing(key, firing);
  sink_.deliver(target.alert, notice);
}

bool AlertMonitor::firing_locked(const std::string& key) {
  auto it = firing_.find(key);
  if (it != firing_.end()) return it->second;
  bool firing = store_ && store_->firing(key);
  firing_[key] = firing;
  return firing;
}

}  // namespace backflow::alerts
