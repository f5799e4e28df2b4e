#include "service/alerts/alert_payload.h"

#include <nlohmann/json.hpp>

namespace backflow::alerts {
namespace {

std::string_view slack_marker(NoticeStatus status) {
  switch (status) {
    case NoticeStatus::Firing:
      return ":rotating_light:";
    case NoticeStatus::Resolved:
      return ":white_check_mark:";
    case NoticeStatus::Notice:
      return ":information_source:";
  }
  return "";
}

}  // namespace

std::string render_payload(config::AlertType type, const AlertNotice& notice) {
  if (type == config::AlertType::slack) {
    return nlohmann::json{{"text", std::string(slack_marker(notice.status)) + " backflow: " + notice.text}}.dump();
  }
  nlohmann::json event = {
      {"source", "backflow"},
      {"event", to_string(notice.condition)},
      {"status", to_string(notice.status)},
      {"sync", notice.sync},
      {"run_id", notice.run_id},
      {"at_ms", notice.at_ms},
      {"message", notice.text},
      {"details", notice.details},
  };
  return event.dump();
}

}  // namespace backflow::alerts
