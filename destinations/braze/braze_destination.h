// `type: braze`: user attributes and events through Braze's `/users/track`
// (docs/destinations/braze.md). Upsert and update send attribute objects
// (update sets `_update_existing_only: true`); append sends custom events.
// Only the fields of each record are sent: with `diff.send: changed_fields`
// that is the changed fields alone, which is what Braze bills (data points).
// Stateless after construction; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "destinations/destination_module.h"
#include "destinations/destination_settings.h"

namespace backflow::destinations {

struct BrazeOptions {
  // How a record names its Braze user: "external_id" (default) or "email".
  // The value is the record's field of that name, else its primary key.
  std::string identify_by = "external_id";
  std::string event_name;  // append mode: the custom event's name (required there)
};

class BrazeDestination : public DestinationModule {
 public:
  static constexpr std::size_t kMaxObjectsPerRequest = 75;            // Braze's documented cap
  static constexpr std::size_t kDefaultMaxBytes = 4 * 1024 * 1024;    // well under Braze's payload cap

  // Reads url (the REST endpoint of the instance, e.g.
  // https://rest.iad-01.braze.com), secret (the API key), batch_size (capped
  // at 75) and max_bytes from `settings`. Throws DestinationError when the
  // url or key is missing or identify_by is unknown.
  BrazeDestination(DestinationSettings settings, BrazeOptions options);

  std::string type() const override { return "braze"; }
  BatchLimits batch_limits() const override;
  std::vector<SyncMode> supported_modes() const override;
  std::string record_identity() const override;
  // /users/track: 3,000 requests per 3 seconds per instance (Braze rate-limit docs).
  RateLimit default_rate_limit() const override;
  RateLimitHeaderNames rate_limit_headers() const override;
  std::vector<std::string> secrets() const override;

  // Throws DestinationError for append without an event name.
  HttpRequest build_request(const BatchContext& context, RecordBatch batch) const override;
  // 2xx: every record accepted except those an `errors` entry names by index;
  // other statuses: the batch rejected as a whole with Braze's message.
  BatchVerdict parse_response(const HttpResponse& response, RecordBatch batch) const override;

 private:
  DestinationSettings settings_;
  BrazeOptions options_;
};

}  // namespace backflow::destinations
