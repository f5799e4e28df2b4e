// Delivers a stream of records to one destination account through its module:
// batching by count and bytes, bounded concurrency over libcurl's multi
// interface, the account's shared rate limit, retries with backoff, bisection
// of batches rejected as a whole, and an outcome for every record.
//
// Order: a record waits while an earlier record with the same key is still
// unsettled (in flight or waiting for a retry), so per-key operations reach
// the destination in feed order; a batch never holds one key twice.
//
// Records bigger than the module's byte budget are rejected without a request.
// 401/403 throw DestinationAuthError at once (unless the module reads the
// response as rate limiting: signals_rate_limit); a fatal transport error (TLS,
// bad URL) throws DestinationError. Outcomes reported before the throw stand;
// records without an outcome were not delivered.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "destinations/delivery_record.h"
#include "destinations/destination_module.h"
#include "destinations/destination_settings.h"
#include "destinations/outcome.h"
#include "destinations/rate_limiter.h"
#include "destinations/request_log.h"

namespace backflow::destinations {

// One delivery: which run it belongs to. The batch ids (and so the webhook's
// idempotency keys) are "<first_batch_sequence + n>": a run resumed after a
// crash that passes the same run id and the sequence it checkpointed resends
// a batch under the same id.
struct DeliveryRun {
  std::string sync;
  std::string run_id;
  SyncMode mode = SyncMode::upsert;
  std::uint64_t first_batch_sequence = 0;
  std::stop_token stop;  // requested: stop sending, abandon requests in flight, return
};

// Called on the thread that runs deliver(). on_outcome: once per record that
// reached a final status. on_acknowledged: after each response that settled
// records (BatchAck::settled_through is the checkpoint position).
struct DeliveryCallbacks {
  std::function<void(const RecordOutcome&)> on_outcome;
  std::function<void(const BatchAck&)> on_acknowledged;
};

struct DeliverySummary {
  std::uint64_t records = 0;  // pulled from the feed
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t retries_exhausted = 0;
  std::uint64_t requests = 0;
  std::uint64_t retried_requests = 0;  // requests repeated after a transient failure
  std::uint64_t throttled = 0;         // 429 responses
  std::uint64_t bisections = 0;        // batches split to isolate bad records
  bool cancelled = false;
  std::chrono::milliseconds elapsed{0};
};

class DeliveryEngine {
 public:
  // Uses the process-wide rate limiter and request log of `settings.name`
  // (RateLimiterRegistry, RequestLogRegistry). `module` must outlive the engine.
  DeliveryEngine(const DestinationModule& module, DestinationSettings settings);
  DeliveryEngine(const DestinationModule& module, DestinationSettings settings,
                 std::shared_ptr<RateLimiter> limiter, std::shared_ptr<RequestLog> log);

  // Pulls every record from `feed` and delivers it; returns when each has an
  // outcome, or on cancellation. Throws DestinationAuthError /
  // DestinationError as described above, and DestinationError before sending
  // anything when the module does not support run.mode. One deliver() at a
  // time per engine.
  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks);

  const DestinationSettings& settings() const { return settings_; }
  BatchLimits batch_limits() const { return limits_; }
  const std::shared_ptr<RequestLog>& request_log() const { return log_; }

 private:
  const DestinationModule& module_;
  DestinationSettings settings_;
  BatchLimits limits_;
  std::shared_ptr<RateLimiter> limiter_;
  std::shared_ptr<RequestLog> log_;
};

}  // namespace backflow::destinations
