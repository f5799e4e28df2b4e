// A stateful stand-in for HubSpot's CRM v3 batch API on a loopback
// HttpTestServer, for behaviour tests and benchmarks. It keeps objects per
// object type by id, and enforces what HubSpot documents but its contract
// does not say: at most 100 inputs per batch (400), property values as
// strings (400), bearer token (401), a sliding-window rate limit answered
// with 429 and X-HubSpot-RateLimit-* headers. Invalid emails (no '@') and
// duplicates on create come back per record in a 207. Faults (5xx, hangs,
// dropped connections) are injected before a request is applied.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <memory>

#include <nlohmann/json.hpp>

#include "tests/support/http_test_server.h"

namespace backflow::test {

struct HubSpotObject {
  std::string id;
  std::map<std::string, std::string> properties;  // "" values are never stored (setting "" clears)
};

class HubSpotEmulator {
 public:
  explicit HubSpotEmulator(std::string token = "hubspot-test-token");

  std::string base_url() const;  // give to the module as settings.url
  const std::string& token() const { return token_; }

  // Objects of one type ("contacts", ...), by id.
  std::map<std::string, HubSpotObject> objects(const std::string& object_type) const;

  // `requests` per `window`, HubSpot's default 100 / 10 s; 0 = unlimited.
  void set_rate_limit(std::size_t requests, std::chrono::milliseconds window);
  // Each request fails before being applied with this probability: a 500,
  // a 503, a hang past the client's timeout or a dropped connection.
  void set_fault_rate(double probability, std::uint32_t seed = 7);
  // Unique properties besides the idProperty of an upsert: create refuses a
  // duplicate value (HubSpot's "already exists" conflict). Default: email.
  void set_unique_property(std::string property) { unique_property_ = std::move(property); }

  std::size_t throttled() const;   // 429s answered
  std::size_t faults() const;      // faults injected
  std::size_t batches_applied() const;
  HttpTestServer& server() { return *server_; }

 private:
  ServerReply handle(const ReceivedRequest& request);
  ServerReply apply(const std::string& object_type, const std::string& operation, const nlohmann::json& body);

  std::string token_;
  std::string unique_property_ = "email";
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, HubSpotObject>> objects_;
  std::uint64_t next_id_ = 1001;
  std::optional<SlidingWindowLimit> limit_;
  std::size_t limit_requests_ = 0;
  std::chrono::milliseconds limit_window_{0};
  double fault_rate_ = 0;
  std::mt19937 random_;
  std::size_t throttled_ = 0;
  std::size_t faults_ = 0;
  std::size_t batches_applied_ = 0;
  std::unique_ptr<HttpTestServer> server_;  // last: stopped first, while the state above still exists
};

}  // namespace backflow::test
