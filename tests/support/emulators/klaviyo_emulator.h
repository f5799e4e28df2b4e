// A stateful stand-in for Klaviyo's profile bulk import API on an
// HttpTestServer: `Klaviyo-API-Key` auth, `revision` header and JSON:API
// content type required; jobs of at most 10,000 profiles and 5 MB, validated
// at creation (400 naming the bad profile); a job is `queued`, then
// `processing` until both its processing time has passed and it has been
// polled the configured number of times, then applies its profiles (stored by
// external_id, else email, else phone_number, attributes and properties
// merged), adds them to the job's list, and reports configured invalid
// emails as paginated import errors carrying the original payload.
//
// Rate limits are counted per endpoint, as Klaviyo documents them (each
// operation's `x-klaviyo-ratelimit`): creating jobs, getting a job and
// reading its import errors each have their own windows (e.g. 10/s burst and
// 150/min steady), and a request beyond any window of its endpoint gets 429
// with Retry-After (whole seconds until that window has room). 5xx or hangs
// on demand. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/http_test_server.h"

namespace backflow::test {

enum class KlaviyoEndpoint { CreateJob, GetJob, ImportErrors };

// At most `requests` per `window` (a sliding window).
struct KlaviyoWindow {
  std::size_t requests = 0;
  std::chrono::milliseconds window{0};
};

class KlaviyoEmulator {
 public:
  explicit KlaviyoEmulator(std::string api_key);

  std::string base_url() const;

  void reject_email(const std::string& email);
  // Polls a job answers `processing` before it completes (default 1).
  void set_polls_until_complete(int polls);
  // How long a job processes after creation: `base` plus `per_profile` for
  // each of its profiles (default zero: polls alone decide).
  void set_processing_time(std::chrono::milliseconds base,
                           std::chrono::microseconds per_profile = std::chrono::microseconds(0));
  void set_error_page_size(std::size_t size);
  // Replaces `endpoint`'s windows (empty: unlimited).
  void set_rate_limit(KlaviyoEndpoint endpoint, std::vector<KlaviyoWindow> windows);
  // One window of `requests` per `window` on each endpoint, counted separately.
  void set_rate_limit(std::size_t requests, std::chrono::milliseconds window);
  // Klaviyo's documented limits on each of the three endpoints: 10/s burst,
  // 150/min steady.
  void set_documented_rate_limits();
  void fail_next(int count, int status = 503);
  void hang_next(int count);

  // Profiles by external_id, else email, else phone_number: merged attributes
  // (custom properties under "properties").
  std::map<std::string, nlohmann::json> profiles() const;
  // Members of a list: the profiles' storage keys.
  std::set<std::string> list_members(const std::string& list_id) const;
  std::size_t jobs_created() const;
  // The most jobs ever open (created, not yet complete) at once.
  std::size_t max_open_jobs() const;
  std::size_t throttled() const;
  std::size_t throttled(KlaviyoEndpoint endpoint) const;
  std::size_t requests_to(KlaviyoEndpoint endpoint) const;
  std::vector<ReceivedRequest> requests() const { return server_.requests(); }

 private:
  struct Job {
    std::size_t number = 0;  // creation order
    std::vector<nlohmann::json> profiles;
    std::string list_id;
    int polls_left = 0;
    bool polled = false;
    std::chrono::steady_clock::time_point ready_at;
    bool complete = false;
    std::vector<nlohmann::json> errors;
  };

  // One endpoint's admitted requests, counted against all its windows.
  struct EndpointLimit {
    std::vector<KlaviyoWindow> windows;
    std::deque<std::chrono::steady_clock::time_point> admitted;
    std::size_t requests = 0;
    std::size_t throttled = 0;
  };

  ServerReply handle(const ReceivedRequest& request);
  // Zero when admitted, else the seconds the client should wait.
  long admit(EndpointLimit& limit);
  void settle();  // completes the jobs whose time has come
  ServerReply create_job(const ReceivedRequest& request);
  ServerReply job_status(const std::string& id);
  ServerReply job_errors(const std::string& id, const std::string& query);
  void complete(Job& job);
  nlohmann::json job_resource(const std::string& id, const Job& job) const;

  std::string api_key_;
  mutable std::mutex mutex_;
  std::set<std::string> rejected_emails_;
  int polls_until_complete_ = 1;
  std::chrono::milliseconds processing_base_{0};
  std::chrono::microseconds processing_per_profile_{0};
  std::size_t max_open_jobs_ = 0;
  std::map<KlaviyoEndpoint, EndpointLimit> limits_;
  std::size_t error_page_size_ = 100;
  std::map<std::string, nlohmann::json> profiles_;
  std::map<std::string, std::set<std::string>> lists_;
  std::map<std::string, Job> jobs_;
  std::atomic<int> failures_{0};
  std::atomic<int> failure_status_{503};
  std::atomic<int> hangs_{0};
  HttpTestServer server_;  // last: stops before the state it reads is destroyed
};

}  // namespace backflow::test
