// `type: webhook`: POSTs batches of records as JSON to one URL, signed with
// HMAC-SHA256. The wire contract a receiver implements is docs/webhook.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "destinations/destination_module.h"
#include "destinations/destination_settings.h"

namespace backflow::destinations {

class WebhookDestination : public DestinationModule {
 public:
  static constexpr std::size_t kDefaultBatchSize = 100;
  static constexpr std::size_t kDefaultMaxBytes = 5 * 1024 * 1024;

  // Reads url, headers, secret, batch_size and max_bytes from `settings`.
  // Throws DestinationError when the url is empty.
  explicit WebhookDestination(DestinationSettings settings);

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
};

}  // namespace backflow::destinations
