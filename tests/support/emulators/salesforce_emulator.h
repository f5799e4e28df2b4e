// A stateful stand-in for Salesforce's sObject Collections API on a loopback
// HttpTestServer. Salesforce publishes no OpenAPI contract, so the emulator
// enforces the documented request shape itself: bearer token (401
// INVALID_SESSION_ID), at most 200 records per request (400
// EXCEEDED_ID_LIMIT), `allOrNone` and `records` present, every record's
// attributes.type naming the sObject of the URL, the external id field set
// on upserts, Id set on updates. Results come one per record in request
// order. The API quota is signalled as Salesforce does, with 403
// REQUEST_LIMIT_EXCEEDED. Emails without '@' fail per record
// (INVALID_EMAIL_ADDRESS). Faults are injected before a request is applied.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/http_test_server.h"

namespace backflow::test {

struct SalesforceRecord {
  std::string id;
  nlohmann::json fields = nlohmann::json::object();  // as last written (nulls clear a field)
};

class SalesforceEmulator {
 public:
  explicit SalesforceEmulator(std::string token = "00Dxx!salesforce-test-token");

  std::string instance_url() const;
  const std::string& token() const { return token_; }

  // Records of one sObject ("Contact"), by Salesforce id.
  std::map<std::string, SalesforceRecord> records(const std::string& object) const;

  // The OAuth token endpoint (POST /services/oauth2/token) grants token()
  // for this refresh token, or for client credentials with this secret.
  void set_oauth_client(std::string client_id, std::string client_secret, std::string refresh_token);
  std::size_t token_grants() const;

  // `requests` per `window`, above which requests get 403 REQUEST_LIMIT_EXCEEDED; 0 = no quota.
  void set_quota(std::size_t requests, std::chrono::milliseconds window);
  void set_fault_rate(double probability, std::uint32_t seed = 7);

  // Bulk API 2.0 ingest jobs (upsert, CSV): a closed job reports
  // InProgress for `polls` GETs, then JobComplete; with `process_at_most`
  // set, rows beyond it stay unprocessed and the job ends Failed.
  void set_bulk_behaviour(std::size_t polls, std::optional<std::size_t> process_at_most = std::nullopt);
  std::size_t bulk_jobs_created() const;
  std::size_t bulk_uploads() const;
  // The CSV body of every accepted upload, in arrival order.
  std::vector<std::string> bulk_upload_bodies() const;
  std::size_t bulk_polls() const;

  std::size_t quota_refusals() const;
  std::size_t faults() const;
  HttpTestServer& server() { return *server_; }

 private:
  ServerReply handle(const ReceivedRequest& request);
  ServerReply grant_token(const ReceivedRequest& request);
  // Lookups by field value through index_ (fast at 100k records); assign() keeps it current. Mutex held.
  SalesforceRecord* find_by_field(const std::string& object, const std::string& field, const nlohmann::json& value);
  void assign(const std::string& object, SalesforceRecord& record, const std::string& field,
              const nlohmann::json& value);
  std::map<std::string, std::map<std::string, std::string>> index_;  // object -> field\x1fvalue -> id
  ServerReply bulk(const ReceivedRequest& request, const std::string& rest);
  struct BulkJob {
    std::string object, external_id_field, state = "Open", csv;
    std::size_t polls_left = 0;
    std::string successful, failed, unprocessed;  // result CSVs
  };
  std::map<std::string, BulkJob> jobs_;
  std::vector<std::string> upload_bodies_;
  std::size_t bulk_polls_setting_ = 1;
  std::optional<std::size_t> bulk_process_at_most_;
  std::size_t bulk_jobs_created_ = 0, bulk_uploads_ = 0, bulk_polls_ = 0;
  ServerReply collections(const ReceivedRequest& request, const std::string& rest);

  std::string token_;
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, SalesforceRecord>> objects_;
  std::uint64_t next_id_ = 1;
  std::optional<SlidingWindowLimit> quota_;
  double fault_rate_ = 0;
  std::mt19937 random_{7};
  std::string client_id_, client_secret_, refresh_token_;
  std::size_t token_grants_ = 0;
  std::size_t quota_refusals_ = 0;
  std::size_t faults_ = 0;
  std::unique_ptr<HttpTestServer> server_;  // last: stopped first
};

}  // namespace backflow::test
