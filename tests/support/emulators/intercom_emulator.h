// A stateful stand-in for Intercom's contacts API (version 2.14) on an
// HttpTestServer: bearer token and Intercom-Version header required; contacts
// stored by Intercom id with their external_id, email, standard fields and
// custom_attributes; find by external id, search by email, create (409 when
// the external id is taken), update, archive (archived contacts are not
// found); configured invalid emails refused with Intercom's error list; 429
// with X-RateLimit-* headers beyond its rate limit; 5xx or hangs on demand.
// Thread-safe.
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

class IntercomEmulator {
 public:
  explicit IntercomEmulator(std::string token);

  std::string base_url() const;

  void reject_email(const std::string& email);
  void set_rate_limit(std::size_t requests, std::chrono::milliseconds window);
  void fail_next(int count, int status = 503);
  void hang_next(int count);
  // Creates a contact directly (as if made in Intercom's UI); returns its id.
  std::string add_contact(nlohmann::json contact);

  // Live (not archived) contacts by external_id, else by email: the stored contact.
  std::map<std::string, nlohmann::json> contacts() const;
  std::size_t archived() const;
  std::size_t throttled() const { return throttled_.load(); }
  std::vector<ReceivedRequest> requests() const { return server_.requests(); }

 private:
  ServerReply handle(const ReceivedRequest& request);
  ServerReply create(const nlohmann::json& body);
  ServerReply update(const std::string& id, const nlohmann::json& body);
  std::string live_id_by(const std::string& field, const std::string& value) const;  // "" = none
  bool invalid(const nlohmann::json& body, std::string& why) const;

  std::string token_;
  mutable std::mutex mutex_;
  std::set<std::string> rejected_emails_;
  std::map<std::string, nlohmann::json> contacts_;  // by Intercom id
  std::uint64_t next_id_ = 1;
  std::unique_ptr<SlidingWindowLimit> limit_;
  std::size_t limit_requests_ = 0;
  std::atomic<int> failures_{0};
  std::atomic<int> failure_status_{503};
  std::atomic<int> hangs_{0};
  std::atomic<std::size_t> throttled_{0};
  HttpTestServer server_;  // last: stops before the state it reads is destroyed
};

}  // namespace backflow::test
