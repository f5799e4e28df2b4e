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
// Several jobs are in flight at once (KlaviyoJobPipeline): creating job N+1
// does not wait for job N to complete. Klaviyo limits each endpoint
// separately, so each has its own limiter (KlaviyoLimiters: creating jobs,
// getting a job, reading import errors; default 150 requests/min each,
// Klaviyo's documented steady limit). BatchAck only ever covers a prefix of
// finished jobs. One deliver() at a time per object.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "destinations/delivery_engine.h"
#include "destinations/destination_settings.h"
#include "destinations/job_journal.h"
#include "destinations/klaviyo/klaviyo_rate_limits.h"

namespace backflow::destinations {

struct KlaviyoOptions {
  std::string revision = "2025-01-15";  // the `revision` header: Klaviyo's API version
  std::string list_id;                  // add every imported profile to this list
  // The first poll of a job comes after the turnaround recent jobs needed
  // (never sooner than this), the following ones this far apart.
  std::chrono::milliseconds poll_interval{2000};
  std::chrono::milliseconds max_job_wait{std::chrono::minutes(30)};  // then the job's records are retried next run
  // Jobs created and not yet finished, at most. Klaviyo documents no cap;
  // 10 covers a 4 s job turnaround at the full create rate (2.5 jobs/s).
  std::size_t max_jobs_in_flight = 10;
};

class KlaviyoBulkDelivery {
 public:
  static constexpr const char* kDefaultUrl = "https://a.klaviyo.com";

  // The documented steady limit of each bulk import endpoint (burst: 10/s).
  static RateLimit default_rate_limit() { return KlaviyoLimiters::documented_limit(); }

  // Uses the process-wide limiters of `settings.name` (KlaviyoLimiters::
  // for_account with settings.rate_limit, else the default) and its request
  // log. `journal` must outlive this object. Throws DestinationError when the
  // api key (settings.secret) is missing.
  KlaviyoBulkDelivery(DestinationSettings settings, KlaviyoOptions options, JobJournal& journal);
  KlaviyoBulkDelivery(DestinationSettings settings, KlaviyoOptions options, JobJournal& journal,
                      KlaviyoLimiters limiters, std::shared_ptr<RequestLog> log);

  // As DeliveryEngine::deliver. Only upsert mode; delete records are rejected
  // (a bulk import cannot remove profiles). BatchAck::batch_id is the job's
  // sequence number; settled_through advances over the prefix of finished
  // jobs, in order even when jobs finish out of order.
  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks);

  const std::shared_ptr<RequestLog>& request_log() const { return log_; }

 private:
  DestinationSettings settings_;
  KlaviyoOptions options_;
  JobJournal& journal_;
  KlaviyoLimiters limiters_;
  std::shared_ptr<RequestLog> log_;
};

}  // namespace backflow::destinations
