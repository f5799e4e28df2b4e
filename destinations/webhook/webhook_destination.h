// `type: webhook`: POSTs batches of records as JSON to one URL, signed with
// HMAC-SHA256. The wire contract a receiver implements is docs/webhook.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "destinations/destination_module.h"
#include "destinations/destination_settings.h"

namespace backflow::destinations {

// What a sync adds to the payload (docs/webhook.md).
struct WebhookOptions {
  std::string object;      // the sync's `object`: sent as the batch's "object" when not empty
  std::string event_name;  // the sync's `event_name`: sent with each event (append mode) when not empty
  // When the run that read the events started (unix ms): each event's
  // "timestamp". Fixed for the run, so a resent batch has the same body.
  std::int64_t run_started_ms = 0;
};

class WebhookDestination : public DestinationModule {
 public:
  static constexpr std::size_t kDefaultBatchSize = 100;
  static constexpr std::size_t kDefaultMaxBytes = 5 * 1024 * 1024;

  // Reads url, headers, secret, batch_size and max_bytes from `settings`.
  // Throws DestinationError when the url is empty.
  explicit WebhookDestination(DestinationSettings settings, WebhookOptions options = {});

  // A record's "op": "delete" for a delete; otherwise the mode's operation:
  // "insert", "update", "upsert" (upsert and mirror) or "event" (append).
  static std::string_view op_name(Operation op, SyncMode mode);
  // `ms` (unix milliseconds) as ISO 8601 in UTC: "2024-05-01T12:00:00.250Z".
  static std::string utc_timestamp(std::int64_t ms);

  std::string type() const override { return "webhook"; }
  BatchLimits batch_limits() const override;
  std::vector<SyncMode> supported_modes() const override;
  std::string record_identity() const override;
  RateLimit default_rate_limit() const override { return RateLimit{}; }  // unlimited
  std::vector<std::string> secrets() const override;

  HttpRequest build_request(const BatchContext& context, RecordBatch batch) const override;
  BatchVerdict parse_response(const HttpResponse& response, RecordBatch batch) const override;

  // "<run_id>.<batch_id>.<digest>", digest being the first 32 hex digits of
  // SHA-256(body), the exact request body. Run ids and batch ids are only
  // unique within one state directory, so two installations posting to one
  // receiver would otherwise send the same key for different batches and the
  // second would be dropped as a repeat. A batch resent (retry, resumed run)
  // has the same run id, batch id and body, hence the same key.
  static std::string idempotency_key(const BatchContext& context, std::string_view body);

 private:
  DestinationSettings settings_;
  WebhookOptions options_;
  std::string timestamp_;  // options_.run_started_ms as utc_timestamp()
};

}  // namespace backflow::destinations
