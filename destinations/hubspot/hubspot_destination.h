// `type: hubspot`: HubSpot CRM v3 objects (contacts, companies, deals, custom
// objects by name) through the batch endpoints, as docs/destinations/hubspot.md
// describes: batch/upsert by a unique property (mode upsert and mirror),
// batch/create (insert), batch/update (update), batch/archive by object id
// (deletes). Property values are sent as strings. Results and 207 errors are
// matched to records through objectWriteTraceId (the record's index in the
// batch), so every record gets its own verdict and, when HubSpot returns one,
// its object id (RecordOutcome::destination_id).
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <vector>

#include "destinations/destination_module.h"
#include "destinations/destination_settings.h"

namespace backflow::destinations {

struct HubSpotOptions {
  DestinationSettings settings;  // url = API base (default https://api.hubapi.com), secret = private app token
  std::string object;            // "contacts", "companies", "deals", or a custom object's name / type id
  // The unique property that identifies records (match_on's field, e.g.
  // "email"): sent as idProperty, its value taken from the record's fields
  // (else from a single-column key). Empty: records are identified by object
  // id (DeliveryRecord::destination_id), which upsert cannot use.
  std::string id_property;
};

class HubSpotDestination : public DestinationModule {
 public:
  static constexpr std::size_t kMaxBatch = 100;  // HubSpot's limit for batch inputs
  static constexpr const char* kDefaultBaseUrl = "https://api.hubapi.com";

  // Throws DestinationError when the token or object is missing.
  explicit HubSpotDestination(HubSpotOptions options);

  std::string type() const override { return "hubspot"; }
  BatchLimits batch_limits() const override;
  std::vector<SyncMode> supported_modes() const override;
  std::string record_identity() const override;
  // 100 requests / 10 s: the Free and Starter limit (Pro and Enterprise allow 190).
  RateLimit default_rate_limit() const override;
  RateLimitHeaderNames rate_limit_headers() const override;
  std::vector<std::string> secrets() const override;

  // A batch never mixes deletes and writes: see homogeneous_batches().
  HttpRequest build_request(const BatchContext& context, RecordBatch batch) const override;
  BatchVerdict parse_response(const HttpResponse& response, RecordBatch batch) const override;
  bool homogeneous_batches() const override { return true; }

  // The endpoint a batch goes to: .../crm/v3/objects/<object>/batch/<op>.
  std::string endpoint(const std::string& operation) const;

 private:
  std::string operation_for(SyncMode mode, const DeliveryRecord& first) const;
  // The record's id_property value: from its fields, else its single-column key.
  std::string identifier(const DeliveryRecord& record) const;

  HubSpotOptions options_;
};

// A JSON value as a HubSpot property string: strings as they are, numbers and
// booleans in their JSON spelling, null as "" (clears the property), arrays
// joined with ';' (multi-checkbox), objects as JSON text.
std::string hubspot_property_value(const nlohmann::json& value);

}  // namespace backflow::destinations
