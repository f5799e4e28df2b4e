// A stateful stand-in for Braze's `POST /users/track` on an HttpTestServer.
// Enforces the documented request shape (Braze publishes no OpenAPI): bearer
// key, JSON object with attributes/events arrays of at most 75 objects, each
// naming its user by exactly one of external_id / email / user_alias /
// braze_id. Stores attributes per user (merged, as Braze does), honours
// _update_existing_only, keeps events, answers non-fatal per-object `errors`
// for configured invalid emails, signals its rate limit with 429 and
// X-RateLimit-* headers, and fails or hangs on demand. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/http_test_server.h"

namespace backflow::test {

class BrazeEmulator {
 public:
  explicit BrazeEmulator(std::string api_key);

  std::string base_url() const;  // what the module's settings.url takes

  // Attribute objects naming this email get a per-object error and are not stored.
  void reject_email(const std::string& email);
  // At most `requests` per `window`, else 429 with X-RateLimit-* headers.
  void set_rate_limit(std::size_t requests, std::chrono::milliseconds window);
  // The next `count` requests answer `status` (5xx) without touching state.
  void fail_next(int count, int status = 503);
  // The next `count` requests hang past the client's timeout.
  void hang_next(int count);

  // Users by their identifier value (external_id or email): merged attributes.
  std::map<std::string, nlohmann::json> users() const;
  std::vector<nlohmann::json> events() const;
  std::size_t data_points() const;  // attributes written, as Braze bills them
  std::size_t throttled() const { return throttled_.load(); }
  std::size_t shape_violations() const { return shape_violations_.load(); }
  std::vector<ReceivedRequest> requests() const { return server_.requests(); }

 private:
  ServerReply handle(const ReceivedRequest& request);
  std::optional<std::string> shape_error(const nlohmann::json& body) const;

  std::string api_key_;
  mutable std::mutex mutex_;
  std::set<std::string> rejected_emails_;
  std::map<std::string, nlohmann::json> users_;
  std::vector<nlohmann::json> events_;
  std::size_t data_points_ = 0;
  std::unique_ptr<SlidingWindowLimit> limit_;
  std::size_t limit_requests_ = 0;
  std::atomic<int> failures_{0};
  std::atomic<int> failure_status_{503};
  std::atomic<int> hangs_{0};
  std::atomic<std::size_t> throttled_{0};
  std::atomic<std::size_t> shape_violations_{0};
  HttpTestServer server_;  // last: stops before the state it reads is destroyed
};

}  // namespace backflow::test
