// `type: klaviyo`: delivers a run's records as Klaviyo profile bulk import
// jobs (docs/destinations/klaviyo.md). Klaviyo's import is asynchronous, a
// multi-step exchange the request/response model of DestinationModule cannot
// express, so this component takes the DeliveryEngine's place for the type
// with the same deliver(run, feed, callbacks) contract:
//   1. up to 10,000 profiles / 5 MB per job: POST /api/profile-bulk-import-jobs
//      (JSON:API, optional list membership), the job id kept in the journal;
//   2. GET /api/profile-bulk-import-jobs/{id} until complete or cancelled;
//   3. when failed_count > 0, GET .../import-errors (all pages) and reject the
//      records each error's original payload names (by email, phone_number
//      or external_id) with Klaviyo's title and detail.
// A job refused at creation (4xx) is split in halves until the bad profiles
// stand alone and are rejected. A run resumed with the same run id and
// first_batch_sequence finds its started jobs in the journal and polls them:
// the profiles are not uploaded twice.
//
// Jobs run one after another; the account's rate limiter (default 150
// requests/min, Klaviyo's steady limit for the endpoint) paces every request.
// One deliver() at a time per object.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "destinations/delivery_engine.h"
#include "destinations/destination_settings.h"
#include "destinations/klaviyo/klaviyo_job_journal.h"

namespace backflow::destinations {

struct KlaviyoOptions {
  std::string revision = "2025-01-15";  // the `revision` header: Klaviyo's API version
  std::string list_id;                  // add every imported profile to this list
  std::chrono::milliseconds poll_interval{2000};
  std::chrono::milliseconds max_job_wait{std::chrono::minutes(30)};  // then the job's records are retried next run
};

class KlaviyoBulkDelivery {
 public:
  static constexpr const char* kDefaultUrl = "https://a.klaviyo.com";

  // The documented steady limit of the bulk import endpoints (burst: 10/s).
  static RateLimit default_rate_limit() { return RateLimit{150, std::chrono::minutes(1)}; }

  // Uses the process-wide rate limiter and request log of `settings.name`.
  // `journal` must outlive this object. Throws DestinationError when the
  // api key (settings.secret) is missing.
  KlaviyoBulkDelivery(DestinationSettings settings, KlaviyoOptions options, KlaviyoJobJournal& journal);
  KlaviyoBulkDelivery(DestinationSettings settings, KlaviyoOptions options, KlaviyoJobJournal& journal,
                      std::shared_ptr<RateLimiter> limiter, std::shared_ptr<RequestLog> log);

  // As DeliveryEngine::deliver. Only upsert mode; delete records are rejected
  // (a bulk import cannot remove profiles). BatchAck::batch_id is the job's
  // sequence number; settled_through advances job by job.
  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks);

  const std::shared_ptr<RequestLog>& request_log() const { return log_; }

 private:
  DestinationSettings settings_;
  KlaviyoOptions options_;
  KlaviyoJobJournal& journal_;
  std::shared_ptr<RateLimiter> limiter_;
  std::shared_ptr<RequestLog> log_;
};

}  // namespace backflow::destinations
