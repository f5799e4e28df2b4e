// Salesforce Bulk API 2.0 ingest jobs for large runs (above the
// destination's bulk_threshold). The feed is read in parts: a part is a
// stretch of consecutive records whose upserts make at most max_job_bytes
// of CSV. Each part is one upsert job: create it, upload its CSV, close
// the upload, poll until it finishes, read successfulResults,
// failedResults and unprocessedrecords and map every row back to its record
// by the external id, then deliver the part's deletes through sObject
// Collections (SalesforceDestination with the DeliveryEngine) and
// acknowledge the part (BatchAck: settled_through = the part's end,
// sequence = the part's number). Only the part being delivered is held in
// memory, so a run's memory does not grow with its record count.
//
// The request/response model of DestinationModule cannot express a
// multi-step job, so this is a separate component with the DeliveryEngine's
// deliver() types; SalesforceTarget picks it for a salesforce sync whose
// change count exceeds bulk_threshold. Crash safety: part n's job (n counted
// from the run's first_batch_sequence, which the runner advances with each
// acknowledged part) is remembered in the sync's job journal under
// "<run_id>.bulk.<n>" as soon as it exists (step "created") and again once
// its upload is closed ("uploaded"). A resumed run (same run id) starts
// after the acknowledged parts, at the same part boundaries, finds the job
// of the part that was in progress and polls it: a closed upload is never
// sent twice, an upload that was not closed is aborted and redone. A part's
// entry is forgotten once the part is acknowledged. Not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "destinations/delivery_engine.h"
#include "destinations/job_journal.h"
#include "destinations/salesforce/salesforce_destination.h"

namespace backflow::destinations {

// Salesforce takes at most 150,000,000 bytes per Bulk API 2.0 upload after
// base64 encoding, about 100 MB of CSV: the most one job's CSV holds, and
// the bound of the `bulk_job_bytes` key (salesforce_type.cpp).
inline constexpr std::size_t kMaxBulkJobBytes = 100'000'000;

struct SalesforceBulkOptions {
  SalesforceOptions target;  // instance URL, token, object, external id field, api version
  std::chrono::milliseconds poll_interval{2000};
  // Per job: then the run fails; the job keeps running and a resumed run polls it again.
  std::chrono::milliseconds max_wait{std::chrono::hours(2)};
  // The most CSV bytes (header and line ends included) one job's upload
  // holds; a part ends before the record that would overflow it. A record
  // whose row alone is bigger gets a job of its own (Salesforce judges it).
  // Memory while delivering is about this plus a few dozen bytes per record
  // of the part. 0 = kMaxBulkJobBytes.
  std::size_t max_job_bytes = kMaxBulkJobBytes;
};

class SalesforceBulkLoader {
 public:
  // Throws DestinationError when the external id field is missing.
  explicit SalesforceBulkLoader(SalesforceBulkOptions options);

  // Delivers the whole feed part by part, resuming the job `jobs` holds
  // for the run's first part. `jobs` is read and written during the call
  // only. Returns early with `cancelled` set when run.stop is requested (the
  // part in progress is not acknowledged; its job stays journaled). Throws
  // DestinationAuthError on 401/403 (other than the quota), DestinationError
  // on other failures; outcomes and acknowledgements reported before the
  // throw stand.
  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks,
                          JobJournal& jobs);

  // The job a crashed attempt of `run` started for the part `run` resumes
  // at (its first_batch_sequence), if any.
  static std::optional<JobState> started_job(const DeliveryRun& run, const JobJournal& jobs);

  // The journal key of part `sequence` of run `run_id`: "<run_id>.bulk.<sequence>".
  static std::string job_key(const std::string& run_id, std::uint64_t sequence);

 private:
  SalesforceBulkOptions options_;
};

}  // namespace backflow::destinations
