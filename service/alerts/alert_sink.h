// Where the alert monitor hands its notices.
#pragma once

#include "service/alerts/alert_notice.h"
#include "service/config/config.h"

namespace backflow::alerts {

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // Sends `notice` to `target` (or queues it for sending). Must not block
  // on the network and must not throw. Thread-safe.
  virtual void deliver(const config::Alert& target, const AlertNotice& notice) = 0;
};

}  // namespace backflow::alerts
