// A stateful stand-in for Klaviyo's profile bulk import API on an
// HttpTestServer: `Klaviyo-API-Key` auth, `revision` header and JSON:API
// content type required; jobs of at most 10,000 profiles and 5 MB, validated
// at creation (400 naming the bad profile); a job stays `processing` for a
// configurable number of polls, then applies its profiles (stored by
// external_id, else email, else phone_number, attributes and properties
// merged), adds them to the job's list, and reports configured invalid
// emails as paginated import errors carrying the original payload. 429 with
// Retry-After beyond its rate limit; 5xx or hangs on demand. Thread-safe.
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

class KlaviyoEmulator {
 public:
  explicit KlaviyoEmulator(std::string api_key);

  std::string base_url() const;

  void reject_email(const std::string& email);
  // Polls a job answers `processing` before it completes (default 1).
  void set_polls_until_complete(int polls);
  void set_error_page_size(std::size_t size);
  void set_rate_limit(std::size_t requests, std::chrono::milliseconds window);
  void fail_next(int count, int status = 503);
  void hang_next(int count);

  // Profiles by external_id, else email, else phone_number: merged attributes
  // (custom properties under "properties").
  std::map<std::string, nlohmann::json> profiles() const;
  // Members of a list: the profiles' storage keys.
  std::set<std::string> list_members(const std::string& list_id) const;
  std::size_t jobs_created() const;
  std::size_t throttled() const { return throttled_.load(); }
  std::vector<ReceivedRequest> requests() const { return server_.requests(); }

 private:
  struct Job {
    std::vector<nlohmann::json> profiles;
    std::string list_id;
    int polls_left = 0;
    bool complete = false;
    std::vector<nlohmann::json> errors;
  };

  ServerReply handle(const ReceivedRequest& request);
  ServerReply create_job(const ReceivedRequest& request);
  ServerReply job_status(const std::string& id);
  ServerReply job_errors(const std::string& id, const std::string& query);
  void complete(Job& job);
  nlohmann::json job_resource(const std::string& id, const Job& job) const;

  std::string api_key_;
  mutable std::mutex mutex_;
  std::set<std::string> rejected_emails_;
  int polls_until_complete_ = 1;
  std::size_t error_page_size_ = 100;
  std::map<std::string, nlohmann::json> profiles_;
  std::map<std::string, std::set<std::string>> lists_;
  std::map<std::string, Job> jobs_;
  std::unique_ptr<SlidingWindowLimit> limit_;
  std::atomic<int> failures_{0};
  std::atomic<int> failure_status_{503};
  std::atomic<int> hangs_{0};
  std::atomic<std::size_t> throttled_{0};
  HttpTestServer server_;  // last: stops before the state it reads is destroyed
};

}  // namespace backflow::test
