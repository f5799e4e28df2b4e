#include "service/alerts/alert_notice.h"

#include <array>
#include <utility>

namespace backflow::alerts {
namespace {

constexpr std::array<std::pair<AlertCondition, std::string_view>, 5> kConditions = {{
    {AlertCondition::RunFailed, "run_failed"},
    {AlertCondition::RunBlocked, "run_blocked"},
    {AlertCondition::RejectedRecords, "rejected_records"},
    {AlertCondition::SyncStale, "sync_stale"},
    {AlertCondition::RunSucceeded, "run_succeeded"},
}};

}  // namespace

std::string_view to_string(AlertCondition condition) {
  for (const auto& [value, name] : kConditions) {
    if (value == condition) return name;
  }
  return "unknown";
}

std::optional<AlertCondition> parse_alert_condition(std::string_view text) {
  for (const auto& [value, name] : kConditions) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::string_view to_string(NoticeStatus status) {
  switch (status) {
    case NoticeStatus::Firing:
      return "firing";
    case NoticeStatus::Resolved:
      return "resolved";
    case NoticeStatus::Notice:
      return "notice";
  }
  return "unknown";
}

}  // namespace backflow::alerts
