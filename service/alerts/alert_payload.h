// The body POSTed to an alert target.
#pragma once

#include <string>

#include "service/alerts/alert_notice.h"
#include "service/config/config.h"

namespace backflow::alerts {

// slack: a Slack-compatible incoming-webhook message, {"text": "..."}.
// webhook: a JSON event, {"source": "backflow", "event": "run_failed",
// "status": "firing" | "resolved" | "notice", "sync", "run_id", "at_ms",
// "message", "details": {...}} (docs/alerts.md).
std::string render_payload(config::AlertType type, const AlertNotice& notice);

}  // namespace backflow::alerts
