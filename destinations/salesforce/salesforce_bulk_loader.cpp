#include "destinations/salesforce/salesforce_bulk_loader.h"

#include <map>
#include <set>
#include <thread>

#include "destinations/destination_error.h"
#include "destinations/http_client.h"
#include "destinations/salesforce/csv.h"

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
                                       response.body.substr(0, 300),
                                   response.status);
      }
      if (response.transport_error != TransportError::None || response.status < 200 || response.status >= 300) {
        throw DestinationError("destination '" + options_.settings.name + "' (salesforce): Bulk API " + method + " " +
                               url + " failed: " +
                               (response.transport_error != TransportError::None
                                    ? response.error_message
                                    : "HTTP " + std::to_string(response.status) + " " + response.body.substr(0, 300)));
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

std::string bulk_job_key(const DeliveryRun& run) { return run.run_id + ".bulk"; }

}  // namespace

SalesforceBulkLoader::SalesforceBulkLoader(SalesforceBulkOptions options) : options_(std::move(options)) {
  if (options_.target.external_id_field.empty()) {
    throw DestinationError("destination '" + options_.target.settings.name +
                           "' (salesforce): Bulk API upsert jobs need external_id_field");
  }
  while (!options_.target.settings.url.empty() && options_.target.settings.url.back() == '/') {
    options_.target.settings.url.pop_back();
  }
}

std::optional<JobState> SalesforceBulkLoader::started_job(const DeliveryRun& run, const JobJournal& jobs) {
  return jobs.find(bulk_job_key(run));
}

DeliverySummary SalesforceBulkLoader::deliver(const DeliveryRun& run, RecordFeed& feed,
                                              const DeliveryCallbacks& delivery_callbacks, JobJournal& jobs) {
  const auto started = Clock::now();
  const std::string& external_id = options_.target.external_id_field;
  DeliverySummary summary;

  std::vector<DeliveryRecord> upserts;
  std::vector<std::uint64_t> upsert_positions;
  std::vector<DeliveryRecord> deletes;
  std::vector<std::uint64_t> delete_positions;
  std::set<std::string> columns{external_id};
  DeliveryRecord record;
  for (std::uint64_t position = 0; feed.next(record); ++position) {
    ++summary.records;
    if (record.op == Operation::Delete) {
      deletes.push_back(std::move(record));
      delete_positions.push_back(position);
      continue;
    }
    if (record.fields.is_object()) {
      for (const auto& [name, value] : record.fields.items()) columns.insert(name);
    }
    upserts.push_back(std::move(record));
    upsert_positions.push_back(position);
  }

  auto report = [&](const DeliveryRecord& delivered, std::uint64_t position, RecordStatus status, std::string message,
                    std::string id) {
    RecordOutcome outcome;
    outcome.position = position;
    outcome.key = delivered.key;
    outcome.op = delivered.op;
    outcome.status = status;
    outcome.message = std::move(message);
    outcome.attempts = 1;
    outcome.destination_id = std::move(id);
    outcome.http_status = 200;
    if (status == RecordStatus::Accepted) ++summary.accepted;
    if (status == RecordStatus::Rejected) ++summary.rejected;
    if (status == RecordStatus::RetriesExhausted) ++summary.retries_exhausted;
    if (delivery_callbacks.on_outcome) delivery_callbacks.on_outcome(outcome);
  };

  BulkApi api(options_.target);
  if (!upserts.empty()) {
    const std::optional<JobState> resumed = started_job(run, jobs);
    std::string job_id = resumed ? resumed->job_id : std::string();
    const bool uploaded = resumed && resumed->step == "uploaded";
    if (!job_id.empty() && !uploaded) {
      // The crashed run may or may not have sent part of the upload: start over.
      api.send_json("PATCH", api.base() + "/" + job_id, {{"state", "Aborted"}});
      job_id.clear();
    }
    if (job_id.empty()) {
      auto job = api.send_json("POST", api.base(),
                               {{"object", options_.target.object},
                                {"externalIdFieldName", external_id},
                                {"contentType", "CSV"},
                                {"operation", "upsert"},
                                {"lineEnding", "LF"}});
      job_id = job.value("id", std::string());
      if (job_id.empty()) throw DestinationError("Bulk API job creation returned no id");
      jobs.remember(bulk_job_key(run), {job_id, "created"});
      std::string csv;
      bool first = true;
      for (const auto& column : columns) {
        if (!first) csv += ',';
        first = false;
        append_csv_field(column, csv);
      }
      csv += '\n';
      for (const auto& upsert : upserts) {
        first = true;
        for (const auto& column : columns) {
          if (!first) csv += ',';
          first = false;
          auto it = upsert.fields.find(column);
          if (it != upsert.fields.end()) append_csv_field(bulk_csv_value(*it), csv);
        }
        csv += '\n';
      }
      api.send("PUT", api.base() + "/" + job_id + "/batches", std::move(csv), "text/csv");
      ++summary.requests;
      api.send_json("PATCH", api.base() + "/" + job_id, {{"state", "UploadComplete"}});
      jobs.remember(bulk_job_key(run), {job_id, "uploaded"});
    }

    std::string state;
    for (;;) {
      if (run.stop.stop_requested()) {
        summary.cancelled = true;
        return summary;
      }
      state = api.send_json("GET", api.base() + "/" + job_id).value("state", std::string());
      if (state == "JobComplete" || state == "Failed" || state == "Aborted") break;
      if (Clock::now() - started > options_.max_wait) {
        throw DestinationError("Bulk API job " + job_id + " still " + state + " after the wait limit; a resumed run "
                               "polls it again");
      }
      std::this_thread::sleep_for(options_.poll_interval);
    }

    // Map result rows back to records by their external id value.
    std::map<std::string, std::size_t> by_external_id;
    for (std::size_t i = 0; i < upserts.size(); ++i) {
      auto it = upserts[i].fields.find(external_id);
      if (it != upserts[i].fields.end()) by_external_id.emplace(bulk_csv_value(*it), i);
    }
    std::vector<bool> settled(upserts.size(), false);
    auto read_results = [&](const std::string& file, auto&& on_row) {
      auto rows = parse_csv(api.send("GET", api.base() + "/" + job_id + "/" + file).body);
      if (rows.empty()) return;
      const auto& header = rows.front();
      std::map<std::string, std::size_t> column_at;
      for (std::size_t i = 0; i < header.size(); ++i) column_at[header[i]] = i;
      auto external = column_at.find(external_id);
      if (external == column_at.end()) return;
      for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        auto cell = [&](const std::string& name) {
          auto at = column_at.find(name);
          return at != column_at.end() && at->second < row.size() ? row[at->second] : std::string();
        };
        if (external->second >= row.size()) continue;
        auto match = by_external_id.find(row[external->second]);
        if (match == by_external_id.end() || settled[match->second]) continue;
        settled[match->second] = true;
        on_row(match->second, cell);
      }
    };
    read_results("successfulResults/", [&](std::size_t i, auto&& cell) {
      report(upserts[i], upsert_positions[i], RecordStatus::Accepted, {}, cell("sf__Id"));
    });
    read_results("failedResults/", [&](std::size_t i, auto&& cell) {
      report(upserts[i], upsert_positions[i], RecordStatus::Rejected, cell("sf__Error"), {});
    });
    read_results("unprocessedrecords/", [&](std::size_t i, auto&&) {
      report(upserts[i], upsert_positions[i], RecordStatus::RetriesExhausted,
             "Bulk API job " + job_id + " ended " + state + " before processing this record; the next run retries it",
             {});
    });
    for (std::size_t i = 0; i < upserts.size(); ++i) {
      if (settled[i]) continue;
      // Unprocessed (the job failed or was aborted before reaching it) or missing from every result file.
      report(upserts[i], upsert_positions[i], RecordStatus::RetriesExhausted,
             "Bulk API job " + job_id + " ended " + state + " without processing this record", {});
    }
  }

  if (!deletes.empty()) {
    SalesforceDestination collections(options_.target);
    DeliveryEngine engine(collections, options_.target.settings);
    VectorFeed delete_feed(deletes);
    DeliveryCallbacks delete_callbacks;
    delete_callbacks.on_outcome = [&](const RecordOutcome& outcome) {
      RecordOutcome remapped = outcome;
      remapped.position = delete_positions[outcome.position];
      if (delivery_callbacks.on_outcome) delivery_callbacks.on_outcome(remapped);
    };
    DeliveryRun delete_run = run;
    delete_run.mode = SyncMode::mirror;
    auto deleted = engine.deliver(delete_run, delete_feed, delete_callbacks);
    summary.accepted += deleted.accepted;
    summary.rejected += deleted.rejected;
    summary.retries_exhausted += deleted.retries_exhausted;
    summary.requests += deleted.requests;
    summary.throttled += deleted.throttled;
  }
  if (delivery_callbacks.on_acknowledged) {
    delivery_callbacks.on_acknowledged(BatchAck{"bulk", static_cast<std::size_t>(summary.records), summary.records, std::nullopt});
  }
  jobs.forget(bulk_job_key(run));
  summary.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return summary;
}

}  // namespace backflow::destinations
