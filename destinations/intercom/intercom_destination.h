// `type: intercom`: contacts through Intercom's REST API 2.14
// (docs/destinations/intercom.md). Intercom has no batch or upsert endpoint,
// so each request carries one record and a write takes up to two steps:
//   1. lookup: GET /contacts/find_by_external_id/{id} (or POST
//      /contacts/search by email) when the contact's Intercom id is unknown;
//   2. write: POST /contacts (absent), PUT /contacts/{id} (present), or
//      POST /contacts/{id}/archive for a delete (mirror mode).
// Step 1's answer is remembered (IntercomContactIds) and the record returned
// to the engine as Retryable, so the engine sends step 2 as the record's next
// attempt. A record whose DeliveryRecord::destination_id is set (the runner's
// id map from an earlier run) skips the lookup. A remembered id that Intercom no longer knows (404) is forgotten
// and looked up again. Concurrency and the rate limit carry the throughput.
//
// Thread-safe: the only state after construction is the id memory.
#pragma once

#include <string>
#include <vector>

#include "destinations/destination_module.h"
#include "destinations/destination_settings.h"
#include "destinations/intercom/intercom_contact_ids.h"

namespace backflow::destinations {

struct IntercomOptions {
  // How a record names its contact: "external_id" (default) or "email". The
  // value is the record's field of that name, else its primary key.
  std::string identify_by = "external_id";
  std::string intercom_version = "2.14";
  std::string object = "contacts";  // "companies" is not implemented yet
  // Whether a missing contact is created (upsert, mirror) or its record
  // rejected as "not found" (update mode).
  bool create_missing = true;
};

class IntercomDestination : public DestinationModule {
 public:
  // Reads url (default https://api.intercom.io; api.eu.intercom.io or
  // api.au.intercom.io for other regions) and secret (the access token).
  // Throws DestinationError when the token is missing, identify_by is
  // unknown or the object is not contacts.
  IntercomDestination(DestinationSettings settings, IntercomOptions options);

  std::string type() const override { return "intercom"; }
  BatchLimits batch_limits() const override { return BatchLimits{1, 1024 * 1024}; }
  std::vector<SyncMode> supported_modes() const override;
  std::string record_identity() const override;
  // 10,000 requests per minute per app, which Intercom enforces in 10-second
  // windows: 1,666 per 10 s.
  RateLimit default_rate_limit() const override;
  std::vector<std::string> secrets() const override { return {settings_.secret}; }

  HttpRequest build_request(const BatchContext& context, RecordBatch batch) const override;
  BatchVerdict parse_response(const HttpResponse& response, RecordBatch batch) const override;

  std::string identifier(const DeliveryRecord& record) const;

 private:
  HttpRequest request(std::string method, const std::string& path, std::string body) const;

  DestinationSettings settings_;
  IntercomOptions options_;
  mutable IntercomContactIds ids_;
};

}  // namespace backflow::destinations
