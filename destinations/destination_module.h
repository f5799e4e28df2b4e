// What one vendor's API looks like to the delivery engine. A module is a page
// of code: it declares its limits and builds/reads HTTP messages; the engine
// (destinations/delivery_engine.h) owns batching, concurrency, rate limits,
// retries, bisection and bookkeeping. Modules are stateless after
// construction and must be safe to call from several threads at once.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "destinations/delivery_record.h"
#include "destinations/destination_settings.h"
#include "destinations/http_message.h"
#include "destinations/outcome.h"
#include "destinations/sync_mode.h"

namespace backflow::destinations {

struct BatchLimits {
  std::size_t max_records = 100;
  std::size_t max_bytes = 5 * 1024 * 1024;  // request body budget
};

// Names of a vendor's rate-limit headers, lowercase. Read from every response
// when present: remaining == 0 pauses the account until reset.
struct RateLimitHeaderNames {
  std::vector<std::string> remaining = {"x-ratelimit-remaining"};
  std::vector<std::string> reset = {"x-ratelimit-reset"};  // seconds from now, or epoch seconds
};

// Identifies one request: the same batch resent (retry, or the same run
// resumed after a crash) has the same batch_id; halves of a split batch get
// "<parent>.0" / "<parent>.1".
struct BatchContext {
  std::string sync;
  std::string run_id;
  std::string batch_id;
  SyncMode mode = SyncMode::upsert;
  int attempt = 1;
};

using RecordBatch = std::span<const DeliveryRecord* const>;

class DestinationModule {
 public:
  virtual ~DestinationModule() = default;

  virtual std::string type() const = 0;
  virtual BatchLimits batch_limits() const = 0;
  virtual std::vector<SyncMode> supported_modes() const = 0;
  // How the vendor identifies records, for docs and preflight messages
  // ("the primary key, sent as `key`", "email", "external id field ...").
  virtual std::string record_identity() const = 0;
  // The vendor's documented limit, used when the config sets none.
  virtual RateLimit default_rate_limit() const = 0;
  virtual RateLimitHeaderNames rate_limit_headers() const { return {}; }
  // Values that must never appear in the request log (tokens, secrets).
  virtual std::vector<std::string> secrets() const { return {}; }

  // True when the vendor takes deletes and writes at different endpoints
  // (HubSpot batch/archive, Salesforce DELETE): the engine then never puts
  // records of different operations in one batch.
  virtual bool homogeneous_batches() const { return false; }

  // True when a response the engine would read as an auth failure (401/403)
  // or hand to parse_response actually signals rate limiting (Salesforce's
  // 403 REQUEST_LIMIT_EXCEEDED): the engine then throttles and retries the
  // batch as it does a 429.
  virtual bool signals_rate_limit(const HttpResponse& /*response*/) const { return false; }

  // Bytes `record` adds to a request body; the engine batches by this.
  // Default: its key and fields serialised, plus 32 bytes of framing.
  virtual std::size_t record_size(const DeliveryRecord& record) const;

  // The request that delivers `batch` (non-empty, within batch_limits()).
  virtual HttpRequest build_request(const BatchContext& context, RecordBatch batch) const = 0;

  // Reads a response the engine did not classify itself. The engine handles
  // transport errors, 401/403 (auth failure), 408, 429 and 5xx; everything
  // else (2xx, other 3xx/4xx) comes here.
  virtual BatchVerdict parse_response(const HttpResponse& response, RecordBatch batch) const = 0;
};

}  // namespace backflow::destinations
