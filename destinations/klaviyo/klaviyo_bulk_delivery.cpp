#include "destinations/klaviyo/klaviyo_bulk_delivery.h"

#include <unordered_map>
#include <unordered_set>

#include "destinations/destination_error.h"
#include "destinations/klaviyo/klaviyo_profiles.h"
#include "destinations/klaviyo/klaviyo_requester.h"
#include "mappers/json_writer.h"

namespace backflow::destinations {

namespace {

using Clock = std::chrono::steady_clock;

// A record waiting for its job, with the profile it becomes.
struct JobEntry {
  DeliveryRecord record;
  std::uint64_t position = 0;
  nlohmann::json profile;
  std::size_t bytes = 0;
  std::string rejection;  // set: rejected without sending
};

// Job body bytes besides the profiles (type, wrappers, list relationship).
constexpr std::size_t kJobFraming = 512;

std::string klaviyo_message(const HttpResponse& response) {
  std::string text = "HTTP " + std::to_string(response.status);
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("errors") && body["errors"].is_array() && !body["errors"].empty()) {
    return text + ": " + klaviyo::error_message(body["errors"][0]);
  }
  if (!response.body.empty()) text += ": " + response.body.substr(0, 300);
  return text;
}

// Delivers the jobs of one deliver() call.
class JobRun {
 public:
  JobRun(const DestinationSettings& settings, const KlaviyoOptions& options, KlaviyoJobJournal& journal,
         KlaviyoRequester& requester, const DeliveryRun& run, const DeliveryCallbacks& callbacks,
         DeliverySummary& summary)
      : settings_(settings),
        options_(options),
        journal_(journal),
        requester_(requester),
        run_(run),
        callbacks_(callbacks),
        summary_(summary),
        base_(settings.url.empty() ? KlaviyoBulkDelivery::kDefaultUrl : settings.url) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  }

  // Every entry gets an outcome unless the run is stopped.
  void deliver(std::vector<JobEntry>& chunk, std::uint64_t sequence) {
    std::vector<JobEntry*> sendable;
    for (auto& entry : chunk) {
      if (entry.rejection.empty()) {
        sendable.push_back(&entry);
      } else {
        finish(entry, RecordStatus::Rejected, 0, entry.rejection);
      }
    }
    const std::string label = std::to_string(sequence);
    run_job(sendable, run_.run_id + "." + label, label, true);
    if (run_.stop.stop_requested()) return;
    if (callbacks_.on_acknowledged) callbacks_.on_acknowledged(BatchAck{label, chunk.size(), chunk.back().position + 1});
  }

 private:
  HttpRequest request(std::string method, std::string path, std::string body = {}) const {
    HttpRequest http;
    http.method = std::move(method);
    http.url = path.rfind("http", 0) == 0 ? std::move(path) : base_ + path;
    http.body = std::move(body);
    http.headers.emplace_back("Authorization", "Klaviyo-API-Key " + settings_.secret);
    http.headers.emplace_back("revision", options_.revision);
    http.headers.emplace_back("Accept", "application/vnd.api+json");
    if (!http.body.empty()) http.headers.emplace_back("Content-Type", "application/vnd.api+json");
    for (const auto& header : settings_.headers) http.headers.push_back(header);
    return http;
  }

  void finish(const JobEntry& entry, RecordStatus status, long http_status, const std::string& message,
              const std::string& destination_id = {}) {
    RecordOutcome outcome;
    outcome.position = entry.position;
    outcome.key = entry.record.key;
    outcome.op = entry.record.op;
    outcome.status = status;
    outcome.http_status = http_status;
    outcome.message = message;
    outcome.attempts = 1;
    outcome.destination_id = destination_id;
    switch (status) {
      case RecordStatus::Accepted: ++summary_.accepted; break;
      case RecordStatus::Rejected: ++summary_.rejected; break;
      case RecordStatus::RetriesExhausted: ++summary_.retries_exhausted; break;
    }
    if (callbacks_.on_outcome) callbacks_.on_outcome(outcome);
  }

  void finish_all(const std::vector<JobEntry*>& entries, RecordStatus status, long http_status,
                  const std::string& message) {
    for (const JobEntry* entry : entries) finish(*entry, status, http_status, message);
  }

  void run_job(const std::vector<JobEntry*>& entries, const std::string& key, const std::string& label,
               bool may_reupload) {
    if (entries.empty()) return;
    std::optional<std::string> job_id = journal_.find(key);
    if (!job_id) {
      std::vector<nlohmann::json> profiles;
      profiles.reserve(entries.size());
      for (const JobEntry* entry : entries) profiles.push_back(entry->profile);
      RequestResult created =
          requester_.send(request("POST", "/api/profile-bulk-import-jobs", klaviyo::job_body(profiles, options_.list_id)),
                          label);
      if (!created.response) {
        if (!created.stopped) finish_all(entries, RecordStatus::RetriesExhausted, 0, created.failure);
        return;
      }
      const HttpResponse& response = *created.response;
      if (response.status < 200 || response.status >= 300) {
        if (entries.size() == 1) {
          finish_all(entries, RecordStatus::Rejected, response.status, klaviyo_message(response));
          return;
        }
        ++summary_.bisections;
        const auto middle = entries.begin() + static_cast<std::ptrdiff_t>((entries.size() + 1) / 2);
        run_job({entries.begin(), middle}, key + ".0", label + ".0", may_reupload);
        run_job({middle, entries.end()}, key + ".1", label + ".1", may_reupload);
        return;
      }
      auto body = nlohmann::json::parse(response.body, nullptr, false);
      if (body.is_object() && body.contains("data") && body["data"].is_object()) {
        job_id = body["data"].value("id", std::string());
      }
      if (!job_id || job_id->empty()) {
        finish_all(entries, RecordStatus::RetriesExhausted, response.status, "Klaviyo answered without a job id");
        return;
      }
      journal_.remember(key, *job_id);
    }

    const std::string job_path = "/api/profile-bulk-import-jobs/" + *job_id;
    const auto started = Clock::now();
    nlohmann::json job;
    for (;;) {
      RequestResult polled = requester_.send(request("GET", job_path), label);
      if (!polled.response) {
        if (!polled.stopped) finish_all(entries, RecordStatus::RetriesExhausted, 0, polled.failure);
        return;
      }
      if (polled.response->status == 404 && may_reupload) {
        journal_.forget(key);  // the job expired or never existed: upload again
        run_job(entries, key, label, false);
        return;
      }
      if (polled.response->status < 200 || polled.response->status >= 300) {
        finish_all(entries, RecordStatus::RetriesExhausted, polled.response->status,
                   "job " + *job_id + ": " + klaviyo_message(*polled.response));
        return;
      }
      job = nlohmann::json::parse(polled.response->body, nullptr, false);
      std::string status;
      if (job.is_object() && job.contains("data") && job["data"].is_object() && job["data"].contains("attributes")) {
        status = job["data"]["attributes"].value("status", std::string());
      }
      if (status == "complete") break;
      if (status == "cancelled") {
        journal_.forget(key);
        finish_all(entries, RecordStatus::RetriesExhausted, 200, "Klaviyo cancelled import job " + *job_id);
        return;
      }
      if (Clock::now() - started > options_.max_job_wait) {
        journal_.forget(key);
        finish_all(entries, RecordStatus::RetriesExhausted, 200,
                   "Klaviyo import job " + *job_id + " still " + status + " after the configured max wait");
        return;
      }
      if (!requester_.sleep(options_.poll_interval)) return;
    }

    std::unordered_map<std::string, std::string> failures;  // identity -> message
    const auto& attributes = job["data"]["attributes"];
    if (attributes.value("failed_count", 0) > 0) {
      std::string next = job_path + "/import-errors?page%5Bsize%5D=100";
      while (!next.empty()) {
        RequestResult page = requester_.send(request("GET", next), label);
        if (!page.response) {
          if (!page.stopped) finish_all(entries, RecordStatus::RetriesExhausted, 0, "import errors: " + page.failure);
          return;
        }
        auto errors = nlohmann::json::parse(page.response->body, nullptr, false);
        next.clear();
        if (!errors.is_object() || !errors.contains("data") || !errors["data"].is_array()) break;
        for (const auto& error : errors["data"]) {
          if (!error.is_object() || !error.contains("attributes")) continue;
          const auto& payload = error["attributes"].value("original_payload", nlohmann::json());
          for (const auto& identity : klaviyo::identities(payload)) {
            failures.emplace(identity, klaviyo::error_message(error));
          }
        }
        if (errors.contains("links") && errors["links"].is_object() && errors["links"].contains("next") &&
            errors["links"]["next"].is_string()) {
          next = errors["links"]["next"].get<std::string>();
        }
      }
    }
    for (const JobEntry* entry : entries) {
      std::string rejection;
      for (const auto& identity : klaviyo::identities(entry->profile)) {
        auto failure = failures.find(identity);
        if (failure != failures.end()) {
          rejection = failure->second;
          break;
        }
      }
      if (rejection.empty()) {
        finish(*entry, RecordStatus::Accepted, 200, {}, *job_id);
      } else {
        finish(*entry, RecordStatus::Rejected, 200, rejection);
      }
    }
    journal_.forget(key);
  }

  const DestinationSettings& settings_;
  const KlaviyoOptions& options_;
  KlaviyoJobJournal& journal_;
  KlaviyoRequester& requester_;
  const DeliveryRun& run_;
  const DeliveryCallbacks& callbacks_;
  DeliverySummary& summary_;
  std::string base_;
};

}  // namespace

KlaviyoBulkDelivery::KlaviyoBulkDelivery(DestinationSettings settings, KlaviyoOptions options,
                                         KlaviyoJobJournal& journal)
    : KlaviyoBulkDelivery(settings, std::move(options), journal,
                          RateLimiterRegistry::global().for_destination(
                              settings.name, settings.rate_limit.value_or(default_rate_limit())),
                          RequestLogRegistry::global().for_destination(settings.name, settings.request_log_size)) {}

KlaviyoBulkDelivery::KlaviyoBulkDelivery(DestinationSettings settings, KlaviyoOptions options,
                                         KlaviyoJobJournal& journal, std::shared_ptr<RateLimiter> limiter,
                                         std::shared_ptr<RequestLog> log)
    : settings_(std::move(settings)),
      options_(std::move(options)),
      journal_(journal),
      limiter_(std::move(limiter)),
      log_(std::move(log)) {
  if (settings_.secret.empty()) {
    throw DestinationError("destination '" + settings_.name + "' (klaviyo): api_key is required");
  }
}

DeliverySummary KlaviyoBulkDelivery::deliver(const DeliveryRun& run, RecordFeed& feed,
                                             const DeliveryCallbacks& callbacks) {
  if (run.mode != SyncMode::Upsert) {
    throw DestinationError("sync '" + run.sync + "' (klaviyo): only upsert mode is supported");
  }
  const auto started = Clock::now();
  DeliverySummary summary;
  KlaviyoRequester requester(settings_, limiter_, log_, run.sync, run.stop);
  JobRun jobs(settings_, options_, journal_, requester, run, callbacks, summary);
  const std::size_t max_profiles =
      settings_.batch_size > 0 ? std::min(settings_.batch_size, klaviyo::kMaxProfilesPerJob) : klaviyo::kMaxProfilesPerJob;
  const std::size_t max_bytes =
      settings_.max_bytes > 0 ? std::min(settings_.max_bytes, klaviyo::kMaxJobBytes) : klaviyo::kMaxJobBytes;

  std::vector<JobEntry> chunk;
  std::unordered_set<std::string> keys;
  std::size_t bytes = kJobFraming;
  std::uint64_t sequence = run.first_batch_sequence;
  auto flush = [&] {
    if (chunk.empty()) return;
    jobs.deliver(chunk, sequence++);
    chunk.clear();
    keys.clear();
    bytes = kJobFraming;
  };
  DeliveryRecord record;
  std::uint64_t position = 0;
  while (!run.stop.stop_requested() && feed.next(record)) {
    ++summary.records;
    JobEntry entry;
    entry.position = position++;
    if (record.op == Operation::Delete) {
      entry.rejection = "Klaviyo bulk import cannot delete profiles";
    } else {
      entry.profile = klaviyo::profile(record);
      entry.bytes = mappers::json_text_size(entry.profile) + 1;
      if (entry.bytes + kJobFraming > max_bytes) {
        entry.rejection = "profile of " + std::to_string(entry.bytes) + " bytes exceeds the job budget of " +
                          std::to_string(max_bytes) + " bytes";
      }
    }
    // A job never holds one key twice: its outcome must apply to one change.
    if (chunk.size() == max_profiles || bytes + entry.bytes > max_bytes || keys.count(record.key) != 0) flush();
    if (run.stop.stop_requested()) break;
    keys.insert(record.key);
    bytes += entry.rejection.empty() ? entry.bytes : 0;
    entry.record = std::move(record);
    chunk.push_back(std::move(entry));
    record = DeliveryRecord{};
  }
  if (!run.stop.stop_requested()) flush();
  summary.cancelled = run.stop.stop_requested();
  summary.requests = requester.counters().requests;
  summary.retried_requests = requester.counters().retried;
  summary.throttled = requester.counters().throttled;
  summary.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return summary;
}

}  // namespace backflow::destinations
