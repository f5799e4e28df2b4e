// A stateful stand-in for Iterable's `POST /api/users/bulkUpdate` and
// `POST /api/events/trackBulk` on an HttpTestServer: Api-Key header, a 4 MB
// body limit, users stored by email or userId with dataFields merged, events
// kept by id (a repeated id overwrites), configured invalid emails reported in
// `failedUpdates.invalidEmails`, 429 beyond its rate limit, and 5xx or hangs
// on demand. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/http_test_server.h"

namespace backflow::test {

class IterableEmulator {
 public:
  static constexpr std::size_t kMaxBodyBytes = 4 * 1024 * 1024;

  explicit IterableEmulator(std::string api_key);

  std::string base_url() const;

  // Users and events naming this email are refused per record.
  void reject_email(const std::string& email);
  void set_rate_limit(std::size_t requests, std::chrono::milliseconds window);
  void fail_next(int count, int status = 503);
  void hang_next(int count);

  // Users by email or userId (whichever each was sent under): dataFields.
  std::map<std::string, nlohmann::json> users() const;
  // Events by id: {"eventName", "dataFields", and the user's identifier}.
  std::map<std::string, nlohmann::json> events() const;
  std::size_t throttled() const { return throttled_.load(); }
  std::vector<ReceivedRequest> requests() const { return server_.requests(); }

 private:
  ServerReply handle(const ReceivedRequest& request);
  ServerReply bulk_update(const nlohmann::json& body);
  ServerReply track_bulk(const nlohmann::json& body);

  std::string api_key_;
  mutable std::mutex mutex_;
  std::set<std::string> rejected_emails_;
  std::map<std::string, nlohmann::json> users_;
  std::map<std::string, nlohmann::json> events_;
  std::unique_ptr<SlidingWindowLimit> limit_;
  std::atomic<int> failures_{0};
  std::atomic<int> failure_status_{503};
  std::atomic<int> hangs_{0};
  std::atomic<std::size_t> throttled_{0};
  HttpTestServer server_;  // last: stops before the state it reads is destroyed
};

}  // namespace backflow::test
