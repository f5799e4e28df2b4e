// One message the alerting sends: a condition of a sync started (firing),
// ended (resolved), or a one-off notice (run_succeeded).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace backflow::alerts {

// The conditions an alert target can subscribe to; their config spelling is
// the `events` value (config::Alert::events).
enum class AlertCondition { RunFailed, RunBlocked, RejectedRecords, SyncStale, RunSucceeded };
std::string_view to_string(AlertCondition condition);
std::optional<AlertCondition> parse_alert_condition(std::string_view text);

enum class NoticeStatus { Firing, Resolved, Notice };
std::string_view to_string(NoticeStatus status);

struct AlertNotice {
  AlertCondition condition = AlertCondition::RunFailed;
  NoticeStatus status = NoticeStatus::Firing;
  std::string sync;
  std::string run_id;    // the run that changed the state; empty for sync_stale
  std::int64_t at_ms = 0;
  std::string text;      // one line for a human; never holds secrets
  nlohmann::json details = nlohmann::json::object();  // phase, error, shares, ages
};

}  // namespace backflow::alerts
