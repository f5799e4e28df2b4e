#include "destinations/salesforce/salesforce_bulk_loader.h"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "destinations/destination_error.h"
#include "destinations/http_client.h"
#include "destinations/salesforce/csv.h"
#include "destinations/vendor_error.h"

namespace backflow::destinations {

namespace {

using Clock = std::chrono::steady_clock;

class BulkApi {
 public:
  explicit BulkApi(const SalesforceOptions& options)
      : options_(options),
        base_(options.settings.url + "/services/data/" + options.api_version + "/jobs/ingest"),
        client_(HttpClientOptions{options.settings.connect_timeout, options.settings.total_timeout, 2}) {}

  const std::string& base() const { return base_; }

  // Sends one request, retrying transport errors, 5xx and the quota a few times.
  HttpResponse send(const std::string& method, const std::string& url, std::string body = {},
                    const std::string& content_type = "application/json") {
    for (int attempt = 1;; ++attempt) {
      HttpRequest request;
      request.method = method;
      request.url = url;
      request.body = body;
      request.headers = {{"Authorization", "Bearer " + options_.settings.secret}, {"Accept", "application/json"}};
      if (!body.empty()) request.headers.emplace_back("Content-Type", content_type);
      client_.start(std::move(request));
      HttpResponse response;
      for (bool done = false; !done;) {
        for (auto& [id, finished] : client_.poll(std::chrono::milliseconds(200))) {
          (void)id;
          response = std::move(finished);
          done = true;
        }
      }
      const bool transient = response.transport_error == TransportError::Timeout ||
                             response.transport_error == TransportError::Connection || response.status >= 500 ||
                             is_salesforce_quota_error(response);
      if (transient && attempt < options_.settings.retry.max_attempts) {
        std::this_thread::sleep_for(options_.settings.retry.base_delay * attempt);
        continue;
      }
      if (response.status == 401 || response.status == 403) {
        throw DestinationAuthError("destination '" + options_.settings.name + "' (salesforce): HTTP " +
                                       std::to_string(response.status) + " from " + url + ": " +
                                       body_excerpt(response.body),
                                   response.status);
      }
      if (response.transport_error != TransportError::None || response.status < 200 || response.status >= 300) {
        throw DestinationError("destination '" + options_.settings.name + "' (salesforce): Bulk API " + method + " " +
                               url + " failed: " +
                               (response.transport_error != TransportError::None
                                    ? response.error_message
                                    : "HTTP " + std::to_string(response.status) + " " + body_excerpt(response.body)));
      }
      return response;
    }
  }

  nlohmann::json send_json(const std::string& method, const std::string& url, const nlohmann::json& body = nullptr) {
    auto response = send(method, url, body.is_null() ? std::string() : body.dump());
    auto parsed = nlohmann::json::parse(response.body, nullptr, false);
    if (!parsed.is_object()) {
      throw DestinationError("destination '" + options_.settings.name + "' (salesforce): unreadable answer from " + url);
    }
    return parsed;
  }

 private:
  const SalesforceOptions& options_;
  std::string base_;
  HttpClient client_;
};

bool job_finished(const std::string& state) {
  return state == "JobComplete" || state == "Failed" || state == "Aborted";
}

// An upsert of the part being delivered: what reporting its outcome needs
// once its row is in the CSV (the record's fields are not kept).
struct PartUpsert {
  std::uint64_t position = 0;
  std::string key;
  std::optional<std::string> external_id;  // the value of its row's external id column
};

// Consecutive records of the feed, delivered as one job plus the deletes
// among them. Holds at most about max_bytes (the job's CSV and the deletes'
// keys) plus a few dozen bytes per upsert.
class JobPart {
 public:
  JobPart(const std::string& external_id_field, std::size_t max_bytes)
      : external_id_field_(external_id_field), max_bytes_(max_bytes), csv_(external_id_field) {}

  // Takes `record` (feed position `position`) and returns true, leaving
  // `record` unspecified; or returns false, `record` untouched, when it
  // would make the part exceed max_bytes. An empty part takes any record.
  bool add(DeliveryRecord& record, std::uint64_t position) {
    const std::size_t limit = empty() ? SIZE_MAX : max_bytes_;
    if (record.op == Operation::Delete) {
      const std::size_t held = delete_bytes_ + sizeof(DeliveryRecord) + record.key.size() + record.destination_id.size();
      if (csv_.size() + held > limit) return false;
      delete_bytes_ = held;
      deletes_.push_back(std::move(record));
      delete_positions_.push_back(position);
    } else {
      if (!csv_.add(record.fields, limit == SIZE_MAX ? limit : limit - std::min(limit, delete_bytes_))) return false;
      PartUpsert upsert{position, std::move(record.key), std::nullopt};
      if (auto it = record.fields.find(external_id_field_); it != record.fields.end()) {
        upsert.external_id = bulk_csv_value(*it);
      }
      upserts_.push_back(std::move(upsert));
    }
    ++records_;
    end_ = position + 1;
    return true;
  }

  bool empty() const { return records_ == 0; }
  std::size_t records() const { return records_; }
  std::uint64_t end() const { return end_; }  // one past the position of its last record
  const std::vector<PartUpsert>& upserts() const { return upserts_; }
  const std::vector<DeliveryRecord>& deletes() const { return deletes_; }
  std::uint64_t delete_position(std::size_t index) const { return delete_positions_[index]; }

  // The upload of its upserts; the CSV is not held any more afterwards.
  std::string take_csv() { return csv_.finish(); }

 private:
  const std::string& external_id_field_;
  const std::size_t max_bytes_;
  BulkCsvBuilder csv_;
  std::vector<PartUpsert> upserts_;
  std::vector<DeliveryRecord> deletes_;
  std::vector<std::uint64_t> delete_positions_;
  std::size_t delete_bytes_ = 0;
  std::size_t records_ = 0;
  std::uint64_t end_ = 0;
};

// A result file's row, its cells by column name.
class ResultRow {
 public:
  ResultRow(const std::map<std::string, std::size_t>& column_at, const std::vector<std::string>& cells)
      : column_at_(column_at), cells_(cells) {}
  std::string cell(const std::string& name) const {
    auto at = column_at_.find(name);
    return at != column_at_.end() && at->second < cells_.size() ? cells_[at->second] : std::string();
  }

 private:
  const std::map<std::string, std::size_t>& column_at_;
  const std::vector<std::string>& cells_;
};

// Which upserts of a part the result files have settled, found by the
// external id value their rows carry. A value two upserts share names the
// first; the second is left for "not processed".
class ResultIndex {
 public:
  explicit ResultIndex(const std::vector<PartUpsert>& upserts) : settled_(upserts.size(), false) {
    for (std::size_t i = 0; i < upserts.size(); ++i) {
      if (upserts[i].external_id) by_external_id_.emplace(*upserts[i].external_id, i);
    }
  }

  // The unsettled upsert whose external id is `value`, now marked settled; nullopt if none.
  std::optional<std::size_t> settle(const std::string& value) {
    auto match = by_external_id_.find(value);
    if (match == by_external_id_.end() || settled_[match->second]) return std::nullopt;
    settled_[match->second] = true;
    return match->second;
  }
  bool settled(std::size_t index) const { return settled_[index]; }

 private:
  std::unordered_map<std::string_view, std::size_t> by_external_id_;  // views into the part's upserts
  std::vector<bool> settled_;
};

// One deliver() call: the feed part by part, each through the named steps
// below.
class BulkDelivery {
 public:
  BulkDelivery(const SalesforceBulkOptions& options, const DeliveryRun& run, const DeliveryCallbacks& callbacks,
               JobJournal& jobs)
      : options_(options), run_(run), callbacks_(callbacks), jobs_(jobs), api_(options.target) {}

  DeliverySummary deliver(RecordFeed& feed) {
    const auto started = Clock::now();
    // The part before the first one was acknowledged (that is what moved
    // first_batch_sequence); a crash between its acknowledgement and its
    // forget() leaves its entry behind.
    if (run_.first_batch_sequence > 0) {
      jobs_.forget(SalesforceBulkLoader::job_key(run_.run_id, run_.first_batch_sequence - 1));
    }
    for (std::uint64_t sequence = run_.first_batch_sequence;; ++sequence) {
      if (run_.stop.stop_requested()) {
        summary_.cancelled = true;
        break;
      }
      JobPart part(options_.target.external_id_field, options_.max_job_bytes);
      if (!read_part(feed, part)) break;
      if (!deliver_part(part, sequence)) {
        summary_.cancelled = true;
        break;
      }
    }
    summary_.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return summary_;
  }

 private:
  // Fills `part` from the feed until the next record does not fit (kept
  // for the next part) or the feed ends. False when there was nothing left.
  bool read_part(RecordFeed& feed, JobPart& part) {
    if (carried_) {
      part.add(*carried_, carried_position_);  // an empty part takes any record
      carried_.reset();
    }
    DeliveryRecord record;
    while (feed.next(record)) {
      const std::uint64_t position = summary_.records++;
      if (!part.add(record, position)) {
        carried_ = std::move(record);
        carried_position_ = position;
        break;
      }
    }
    return !part.empty();
  }

  // Every record of the part settled and the part acknowledged; false when
  // the run was cancelled first.
  bool deliver_part(JobPart& part, std::uint64_t sequence) {
    if (!part.upserts().empty()) {
      const std::string key = SalesforceBulkLoader::job_key(run_.run_id, sequence);
      std::string job_id = resumable_job(key);
      if (job_id.empty()) {
        job_id = create_job(key);
        upload(job_id, part.take_csv());
        close_upload(key, job_id);
      }
      const std::optional<std::string> state = poll(job_id);
      if (!state) return false;
      collect_results(job_id, *state, part.upserts());
    }
    if (!deliver_deletes(part)) return false;
    acknowledge(part, sequence);
    return true;
  }

  // The job a crashed attempt uploaded for this part, or "" when there is
  // none. A job whose upload was not closed is aborted: the crashed run may
  // or may not have sent part of the upload, so it is redone.
  std::string resumable_job(const std::string& key) {
    const std::optional<JobState> resumed = jobs_.find(key);
    if (!resumed || resumed->job_id.empty()) return {};
    if (resumed->step == "uploaded") return resumed->job_id;
    api_.send_json("PATCH", job_url(resumed->job_id), {{"state", "Aborted"}});
    return {};
  }

  std::string create_job(const std::string& key) {
    auto job = api_.send_json("POST", api_.base(),
                              {{"object", options_.target.object},
                               {"externalIdFieldName", options_.target.external_id_field},
                               {"contentType", "CSV"},
                               {"operation", "upsert"},
                               {"lineEnding", "LF"}});
    std::string job_id = job.value("id", std::string());
    if (job_id.empty()) {
      throw DestinationError("destination '" + options_.target.settings.name +
                             "' (salesforce): Bulk API job creation returned no id");
    }
    jobs_.remember(key, {job_id, "created"});
    return job_id;
  }

  void upload(const std::string& job_id, std::string csv) {
    api_.send("PUT", job_url(job_id) + "/batches", std::move(csv), "text/csv");
    ++summary_.requests;
  }

  void close_upload(const std::string& key, const std::string& job_id) {
    api_.send_json("PATCH", job_url(job_id), {{"state", "UploadComplete"}});
    jobs_.remember(key, {job_id, "uploaded"});
  }

  // The job's final state (JobComplete, Failed, Aborted); nullopt when the
  // run was cancelled first. Throws after max_wait.
  std::optional<std::string> poll(const std::string& job_id) {
    const auto started = Clock::now();
    for (;;) {
      if (run_.stop.stop_requested()) return std::nullopt;
      std::string state = api_.send_json("GET", job_url(job_id)).value("state", std::string());
      if (job_finished(state)) return state;
      if (Clock::now() - started > options_.max_wait) {
        throw DestinationError("destination '" + options_.target.settings.name + "' (salesforce): Bulk API job " +
                               job_id + " still " + state + " after the wait limit; a resumed run polls it again");
      }
      wait_or_stop(options_.poll_interval);
    }
  }

  void wait_or_stop(std::chrono::milliseconds period) {
    std::mutex mutex;
    std::condition_variable_any woken;
    std::unique_lock lock(mutex);
    woken.wait_for(lock, run_.stop, period, [] { return false; });
  }

  // Reports every upsert of the part from the job's result files; an
  // upsert in none of them was not processed (the job failed or was
  // aborted before reaching it) and is left for the next run.
  void collect_results(const std::string& job_id, const std::string& state, const std::vector<PartUpsert>& upserts) {
    ResultIndex index(upserts);
    read_results(job_id, "successfulResults/", index, [&](std::size_t i, const ResultRow& row) {
      report(upserts[i], RecordStatus::Accepted, {}, row.cell("sf__Id"));
    });
    read_results(job_id, "failedResults/", index, [&](std::size_t i, const ResultRow& row) {
      report(upserts[i], RecordStatus::Rejected, row.cell("sf__Error"), {});
    });
    read_results(job_id, "unprocessedrecords/", index, [&](std::size_t i, const ResultRow&) {
      report(upserts[i], RecordStatus::RetriesExhausted,
             "Bulk API job " + job_id + " ended " + state + " before processing this record; the next run retries it",
             {});
    });
    for (std::size_t i = 0; i < upserts.size(); ++i) {
      if (index.settled(i)) continue;
      report(upserts[i], RecordStatus::RetriesExhausted,
             "Bulk API job " + job_id + " ended " + state + " without processing this record", {});
    }
  }

  // Calls on_row for each row of `file` that names an unsettled upsert.
  void read_results(const std::string& job_id, const std::string& file, ResultIndex& index,
                    const std::function<void(std::size_t, const ResultRow&)>& on_row) {
    const auto rows = parse_csv(api_.send("GET", job_url(job_id) + "/" + file).body);
    if (rows.empty()) return;
    std::map<std::string, std::size_t> column_at;
    for (std::size_t i = 0; i < rows.front().size(); ++i) column_at[rows.front()[i]] = i;
    const auto external = column_at.find(options_.target.external_id_field);
    if (external == column_at.end()) return;
    for (std::size_t r = 1; r < rows.size(); ++r) {
      if (external->second >= rows[r].size()) continue;
      if (auto upsert = index.settle(rows[r][external->second])) on_row(*upsert, ResultRow(column_at, rows[r]));
    }
  }

  void report(const PartUpsert& upsert, RecordStatus status, std::string message, std::string destination_id) {
    RecordOutcome outcome;
    outcome.position = upsert.position;
    outcome.key = upsert.key;
    outcome.op = Operation::Upsert;
    outcome.status = status;
    outcome.message = std::move(message);
    outcome.attempts = 1;
    outcome.destination_id = std::move(destination_id);
    outcome.http_status = 200;
    if (status == RecordStatus::Accepted) ++summary_.accepted;
    if (status == RecordStatus::Rejected) ++summary_.rejected;
    if (status == RecordStatus::RetriesExhausted) ++summary_.retries_exhausted;
    if (callbacks_.on_outcome) callbacks_.on_outcome(outcome);
  }

  // The part's deletes through sObject Collections (by Salesforce id);
  // false when the run was cancelled during them.
  bool deliver_deletes(const JobPart& part) {
    if (part.deletes().empty()) return true;
    SalesforceDestination collections(options_.target);
    DeliveryEngine engine(collections, options_.target.settings);
    VectorFeed delete_feed(part.deletes());
    DeliveryCallbacks delete_callbacks;
    delete_callbacks.on_outcome = [&](const RecordOutcome& outcome) {
      RecordOutcome remapped = outcome;
      remapped.position = part.delete_position(outcome.position);
      if (callbacks_.on_outcome) callbacks_.on_outcome(remapped);
    };
    DeliveryRun delete_run = run_;
    delete_run.mode = SyncMode::mirror;
    const auto deleted = engine.deliver(delete_run, delete_feed, delete_callbacks);
    summary_.accepted += deleted.accepted;
    summary_.rejected += deleted.rejected;
    summary_.retries_exhausted += deleted.retries_exhausted;
    summary_.requests += deleted.requests;
    summary_.retried_requests += deleted.retried_requests;
    summary_.throttled += deleted.throttled;
    return !deleted.cancelled;
  }

  // Tells the runner every record through the part's end is settled (it
  // checkpoints that and the next sequence), then forgets the part's job.
  // In this order: a crash in between leaves an entry the resumed run
  // forgets (deliver()), the other way round it would upload the part again.
  void acknowledge(const JobPart& part, std::uint64_t sequence) {
    if (callbacks_.on_acknowledged) {
      callbacks_.on_acknowledged(BatchAck{"bulk." + std::to_string(sequence), part.records(), part.end(), sequence});
    }
    jobs_.forget(SalesforceBulkLoader::job_key(run_.run_id, sequence));
  }

  std::string job_url(const std::string& job_id) const { return api_.base() + "/" + job_id; }

  const SalesforceBulkOptions& options_;
  const DeliveryRun& run_;
  const DeliveryCallbacks& callbacks_;
  JobJournal& jobs_;
  BulkApi api_;
  DeliverySummary summary_;
  std::optional<DeliveryRecord> carried_;  // read, but did not fit the previous part
  std::uint64_t carried_position_ = 0;
};

}  // namespace

SalesforceBulkLoader::SalesforceBulkLoader(SalesforceBulkOptions options) : options_(std::move(options)) {
  if (options_.target.external_id_field.empty()) {
    throw DestinationError("destination '" + options_.target.settings.name +
                           "' (salesforce): Bulk API upsert jobs need external_id_field");
  }
  while (!options_.target.settings.url.empty() && options_.target.settings.url.back() == '/') {
    options_.target.settings.url.pop_back();
  }
  if (options_.max_job_bytes == 0) options_.max_job_bytes = kMaxBulkJobBytes;
}

std::string SalesforceBulkLoader::job_key(const std::string& run_id, std::uint64_t sequence) {
  return run_id + ".bulk." + std::to_string(sequence);
}

std::optional<JobState> SalesforceBulkLoader::started_job(const DeliveryRun& run, const JobJournal& jobs) {
  return jobs.find(job_key(run.run_id, run.first_batch_sequence));
}

DeliverySummary SalesforceBulkLoader::deliver(const DeliveryRun& run, RecordFeed& feed,
                                              const DeliveryCallbacks& callbacks, JobJournal& jobs) {
  BulkDelivery delivery(options_, run, callbacks, jobs);
  return delivery.deliver(feed);
}

}  // namespace backflow::destinations
