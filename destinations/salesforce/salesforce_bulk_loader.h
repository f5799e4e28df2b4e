// Salesforce Bulk API 2.0 ingest jobs for large runs (above the
// destination's bulk_threshold): create an upsert job, upload the records as
// CSV, close it, poll until it finishes, then read successfulResults,
// failedResults and unprocessedrecords and map every row back to its record
// by the external id. Deletes in the feed go through sObject Collections
// (SalesforceDestination with the DeliveryEngine) after the job.
//
// The request/response model of DestinationModule cannot express a
// multi-step job, so this is a separate component with the DeliveryEngine's
// deliver() types; the runner picks it for a salesforce sync whose change
// count exceeds bulk_threshold. Crash safety: the job is remembered in the
// sync's job journal under "<run_id>.bulk" as soon as it exists (step
// "created") and again once the upload is closed ("uploaded"); a resumed run
// (same run id) finds it and polls the same job: a closed upload is never
// sent twice, an upload that was not closed is aborted and redone. The entry
// is forgotten once every record's outcome is reported. Not thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "destinations/delivery_engine.h"
#include "destinations/job_journal.h"
#include "destinations/salesforce/salesforce_destination.h"

namespace backflow::destinations {

struct SalesforceBulkOptions {
  SalesforceOptions target;  // instance URL, token, object, external id field, api version
  std::chrono::milliseconds poll_interval{2000};
  std::chrono::milliseconds max_wait{std::chrono::hours(2)};  // then the run fails; the job keeps running
};

class SalesforceBulkLoader {
 public:
  // Throws DestinationError when the external id field is missing.
  explicit SalesforceBulkLoader(SalesforceBulkOptions options);

  // Delivers the whole feed, resuming the job `jobs` holds for this run.
  // `jobs` is read and written during the call only. Throws
  // DestinationAuthError on 401/403 (other than the quota), DestinationError
  // on other failures or when the job fails as a whole.
  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks,
                          JobJournal& jobs);

  // The job a crashed attempt of `run` started, if any.
  static std::optional<JobState> started_job(const DeliveryRun& run, const JobJournal& jobs);

 private:
  SalesforceBulkOptions options_;
};

}  // namespace backflow::destinations
