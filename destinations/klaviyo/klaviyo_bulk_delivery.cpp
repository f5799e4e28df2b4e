#include "destinations/klaviyo/klaviyo_bulk_delivery.h"

#include <algorithm>

#include "destinations/destination_error.h"
#include "destinations/klaviyo/klaviyo_job_batcher.h"
#include "destinations/klaviyo/klaviyo_job_pipeline.h"
#include "destinations/klaviyo/klaviyo_profiles.h"
#include "destinations/klaviyo/klaviyo_requester.h"

namespace backflow::destinations {

KlaviyoBulkDelivery::KlaviyoBulkDelivery(DestinationSettings settings, KlaviyoOptions options,
                                         JobJournal& journal)
    : KlaviyoBulkDelivery(settings, std::move(options), journal,
                          KlaviyoLimiters::for_account(settings.name, settings.rate_limit.value_or(default_rate_limit())),
                          RequestLogRegistry::global().for_destination(settings.name, settings.request_log_size)) {}

KlaviyoBulkDelivery::KlaviyoBulkDelivery(DestinationSettings settings, KlaviyoOptions options,
                                         JobJournal& journal, KlaviyoLimiters limiters,
                                         std::shared_ptr<RequestLog> log)
    : settings_(std::move(settings)),
      options_(std::move(options)),
      journal_(journal),
      limiters_(std::move(limiters)),
      log_(std::move(log)) {
  if (settings_.secret.empty()) {
    throw DestinationError("destination '" + settings_.name + "' (klaviyo): api_key is required");
  }
}

DeliverySummary KlaviyoBulkDelivery::deliver(const DeliveryRun& run, RecordFeed& feed,
                                             const DeliveryCallbacks& callbacks) {
  if (run.mode != SyncMode::upsert) {
    throw DestinationError("sync '" + run.sync + "' (klaviyo): only upsert mode is supported");
  }
  const auto started = std::chrono::steady_clock::now();
  DeliverySummary summary;
  KlaviyoRequester requester(settings_, log_, run.sync, run.stop);
  KlaviyoJobPipeline jobs(settings_, options_, journal_, limiters_, requester, run, callbacks, summary);
  const std::size_t max_profiles =
      settings_.batch_size > 0 ? std::min(settings_.batch_size, klaviyo::kMaxProfilesPerJob) : klaviyo::kMaxProfilesPerJob;
  const std::size_t max_bytes =
      settings_.max_bytes > 0 ? std::min(settings_.max_bytes, klaviyo::kMaxJobBytes) : klaviyo::kMaxJobBytes;
  KlaviyoJobBatcher batcher(max_profiles, max_bytes, run.first_batch_sequence);

  bool feed_exhausted = false;
  while (!run.stop.stop_requested()) {
    if (!feed_exhausted && jobs.ready_for_chunk()) {
      if (auto chunk = batcher.next(feed, summary.records)) {
        jobs.submit(std::move(*chunk));
      } else {
        feed_exhausted = true;
      }
      continue;
    }
    if (feed_exhausted && jobs.drained()) break;
    jobs.step();
  }
  summary.cancelled = run.stop.stop_requested();
  summary.requests = requester.counters().requests;
  summary.retried_requests = requester.counters().retried;
  summary.throttled = requester.counters().throttled;
  summary.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return summary;
}

}  // namespace backflow::destinations
