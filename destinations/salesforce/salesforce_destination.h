// `type: salesforce`: sObject Collections, as docs/destinations/salesforce.md
// describes. Upsert and mirror: PATCH .../composite/sobjects/{SObject}/
// {ExternalIdField} (upsert by external id); insert: POST .../composite/
// sobjects; update: PATCH .../composite/sobjects by Salesforce id; deletes:
// DELETE .../composite/sobjects?ids=... by Salesforce id. At most 200 records
// per request, allOrNone false: Salesforce answers one result per record in
// request order, each read into that record's verdict, with the record's
// Salesforce id as its destination id. The API quota (403
// REQUEST_LIMIT_EXCEEDED) is rate limiting, not an auth failure.
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <vector>

#include "destinations/destination_module.h"
#include "destinations/destination_settings.h"

namespace backflow::destinations {

struct SalesforceOptions {
  DestinationSettings settings;  // url = instance URL, secret = access token
  std::string object;            // the sObject: Contact, Account, Custom__c
  std::string external_id_field; // upsert key: the sObject's external id field (match_on's field)
  std::string api_version = "v60.0";
};

class SalesforceDestination : public DestinationModule {
 public:
  static constexpr std::size_t kMaxBatch = 200;  // sObject Collections limit

  // Throws DestinationError when the instance URL, token or object is
  // missing, or upsert needs an external id field that is not set.
  explicit SalesforceDestination(SalesforceOptions options);

  std::string type() const override { return "salesforce"; }
  BatchLimits batch_limits() const override;
  std::vector<SyncMode> supported_modes() const override;
  std::string record_identity() const override;
  // Salesforce meters a daily quota, not a rate: 25 requests/s keeps a run
  // from burning it in bursts; the 403 REQUEST_LIMIT_EXCEEDED backs off.
  RateLimit default_rate_limit() const override { return RateLimit{25, std::chrono::seconds(1)}; }
  std::vector<std::string> secrets() const override;
  bool homogeneous_batches() const override { return true; }
  bool signals_rate_limit(const HttpResponse& response) const override;

  HttpRequest build_request(const BatchContext& context, RecordBatch batch) const override;
  BatchVerdict parse_response(const HttpResponse& response, RecordBatch batch) const override;

  // https://instance/services/data/vXX.X/composite/sobjects
  std::string collections_url() const;

 private:
  nlohmann::json record_body(const DeliveryRecord& record, bool with_id) const;

  SalesforceOptions options_;
};

// True when a Salesforce error body carries REQUEST_LIMIT_EXCEEDED.
bool is_salesforce_quota_error(const HttpResponse& response);

}  // namespace backflow::destinations
