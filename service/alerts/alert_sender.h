// Posts alert notices to their targets (webhook or Slack-compatible URLs)
// with libcurl, from one background thread, so a slow or dead receiver never
// holds up a run or the scheduler. Failures are logged (the URL's host only:
// the rest of an alert URL is a credential) and never thrown.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "service/alerts/alert_sink.h"

namespace backflow::alerts {

class AlertSender : public AlertSink {
 public:
  struct Options {
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds total_timeout{10000};
    std::uint32_t attempts = 3;                      // per notice, on transport errors, 429 and 5xx
    std::chrono::milliseconds retry_delay{1000};     // doubled after each attempt
    std::size_t max_queued = 1000;                   // beyond it new notices are dropped (and logged)
  };

  struct Stats {
    std::uint64_t sent = 0;     // answered 2xx
    std::uint64_t failed = 0;   // gave up after every attempt
    std::uint64_t dropped = 0;  // the queue was full
  };

  AlertSender();
  explicit AlertSender(Options options);
  // Stops after the notice being sent (if any); queued ones are dropped.
  ~AlertSender() override;
  AlertSender(const AlertSender&) = delete;
  AlertSender& operator=(const AlertSender&) = delete;

  void deliver(const config::Alert& target, const AlertNotice& notice) override;

  // Waits until every queued notice was sent or given up on, or `timeout`
  // passes. Returns whether the queue drained.
  bool flush(std::chrono::milliseconds timeout);
  Stats stats() const;

 private:
  struct Pending {
    config::AlertType type;
    std::string url;
    std::string body;
    std::string what;  // for logs: "slack alert run_failed for sync x"
  };
  void work();
  bool post(const Pending& pending);

  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Pending> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;
};

// The host part of `url` ("hooks.slack.com"), without credentials or path,
// for logs.
std::string url_host(const std::string& url);

}  // namespace backflow::alerts
