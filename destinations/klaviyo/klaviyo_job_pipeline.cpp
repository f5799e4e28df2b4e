#include "destinations/klaviyo/klaviyo_job_pipeline.h"

#include <algorithm>

#include "destinations/klaviyo/klaviyo_profiles.h"
#include "destinations/http_message.h"
#include "destinations/vendor_error.h"

namespace backflow::destinations {

namespace {

// Every kProbeEvery-th job is polled first at 3/4 of the learnt delay, so
// the delay comes down again when Klaviyo gets faster.
constexpr std::uint64_t kProbeEvery = 16;
constexpr auto kLongestNap = std::chrono::milliseconds(50);

std::string klaviyo_message(const HttpResponse& response) {
  return vendor_error_text(response, [](const nlohmann::json& body) -> std::string {
    if (body.is_object() && body.contains("errors") && body["errors"].is_array() && !body["errors"].empty()) {
      return klaviyo::error_message(body["errors"][0]);
    }
    return {};
  });
}

bool succeeded(const HttpResponse& response) { return response.status >= 200 && response.status < 300; }

}  // namespace

KlaviyoJobPipeline::KlaviyoJobPipeline(const DestinationSettings& settings, const KlaviyoOptions& options,
                                       JobJournal& journal, const KlaviyoLimiters& limiters,
                                       KlaviyoRequester& requester, const DeliveryRun& run,
                                       const DeliveryCallbacks& callbacks, DeliverySummary& summary)
    : settings_(settings),
      options_(options),
      journal_(journal),
      limiters_(limiters),
      requester_(requester),
      run_(run),
      callbacks_(callbacks),
      summary_(summary),
      base_(base_url(settings.url, KlaviyoBulkDelivery::kDefaultUrl)),
      first_poll_delay_(options.poll_interval) {}

HttpRequest KlaviyoJobPipeline::request(std::string method, std::string path, std::string body) const {
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

void KlaviyoJobPipeline::submit(KlaviyoChunk chunk) {
  auto owned = std::make_unique<Chunk>();
  owned->sequence = chunk.sequence;
  owned->label = std::to_string(chunk.sequence);
  owned->entries = std::move(chunk.entries);
  Chunk& added = *owned;
  chunks_.push_back(std::move(owned));

  Job job;
  job.chunk = &added;
  job.key = run_.run_id + "." + added.label;
  job.label = added.label;
  for (const auto& entry : added.entries) {
    if (!entry.rejection.empty()) {
      finish(entry, RecordStatus::Rejected, 0, entry.rejection);
      continue;
    }
    job.entries.push_back(&entry);
    auto earlier = unfinished_keys_.find(entry.record.key);
    if (earlier != unfinished_keys_.end()) added.after = std::max(added.after.value_or(0), earlier->second);
    unfinished_keys_[entry.record.key] = added.sequence;
  }
  if (job.entries.empty()) {
    acknowledge_prefix();
    return;
  }
  added.unfinished_jobs = 1;
  // Built now, while the create budget refills, rather than when the token is there.
  job.body = body_of(job);
  to_create_.push_back(std::move(job));
}

bool KlaviyoJobPipeline::may_create(const Job& job) const {
  if (open_.size() >= std::max<std::size_t>(1, options_.max_jobs_in_flight)) return false;
  if (!job.chunk->after) return true;
  for (const auto& chunk : chunks_) {
    if (chunk->sequence > *job.chunk->after) break;
    if (chunk->unfinished_jobs > 0) return false;
  }
  return true;
}

void KlaviyoJobPipeline::step() {
  just_created_ = false;
  if (run_.stop.stop_requested()) return;
  const auto now = Clock::now();
  auto wake = now + kLongestNap;
  auto try_token = [&](RateLimiter& limiter) {
    auto wait = limiter.try_acquire();
    if (wait == RateLimiter::Clock::duration::zero()) return true;
    wake = std::min(wake, now + wait);
    return false;
  };

  // Import errors first: they finish a job, and so free its place.
  for (std::size_t i = 0; i < open_.size(); ++i) {
    if (open_[i].errors_page.empty()) continue;
    if (try_token(*limiters_.import_errors)) return read_errors(i);
    break;
  }
  std::optional<std::size_t> due;
  for (std::size_t i = 0; i < open_.size(); ++i) {
    if (!open_[i].errors_page.empty()) continue;
    if (!due || open_[i].next_poll_at < open_[*due].next_poll_at) due = i;
  }
  if (due) {
    if (open_[*due].next_poll_at <= now) {
      if (try_token(*limiters_.get_job)) return poll(*due);
    } else {
      wake = std::min(wake, open_[*due].next_poll_at);
    }
  }
  if (!to_create_.empty() && may_create(to_create_.front())) {
    Job job = std::move(to_create_.front());
    to_create_.pop_front();
    if (auto found = journal_.find(job.key)) {
      // Started by an earlier attempt of this run: poll it, never upload again.
      job.id = found->job_id;
      job.chunk->journal_keys.push_back(job.key);
      job.created_at = now;
      job.next_poll_at = now;
      open_.push_back(std::move(job));
      return;
    }
    if (try_token(*limiters_.create_job)) return create(std::move(job), true);
    to_create_.push_front(std::move(job));
  }
  if (open_.empty() && to_create_.empty()) return;  // nothing to wait for: the caller submits or ends
  requester_.sleep(std::chrono::duration_cast<std::chrono::milliseconds>(wake - now) + std::chrono::milliseconds(1));
}

std::string KlaviyoJobPipeline::body_of(const Job& job) const {
  std::vector<const nlohmann::json*> profiles;
  profiles.reserve(job.entries.size());
  for (const KlaviyoJobEntry* entry : job.entries) profiles.push_back(&entry->profile);
  return klaviyo::job_body_from(profiles, options_.list_id);
}

void KlaviyoJobPipeline::create(Job job, bool token_taken) {
  if (job.body.empty()) job.body = body_of(job);
  RequestResult created = requester_.send(request("POST", "/api/profile-bulk-import-jobs", std::move(job.body)),
                                          job.label, *limiters_.create_job, token_taken);
  job.body.clear();  // sent (moved from): rebuilt if the job must be sent again
  if (!created.response) {
    if (created.stopped) {
      to_create_.push_front(std::move(job));  // not created: a resumed run sends it
      return;
    }
    return finish_job(std::move(job), RecordStatus::RetriesExhausted, 0, created.failure);
  }
  const HttpResponse& response = *created.response;
  if (!succeeded(response)) {
    if (job.entries.size() == 1) {
      return finish_job(std::move(job), RecordStatus::Rejected, response.status, klaviyo_message(response));
    }
    // Refused as a whole: split in halves until the bad profiles stand alone.
    ++summary_.bisections;
    const auto middle = job.entries.begin() + static_cast<std::ptrdiff_t>((job.entries.size() + 1) / 2);
    for (int half = 1; half >= 0; --half) {
      Job part;
      part.chunk = job.chunk;
      part.key = job.key + "." + std::to_string(half);
      part.label = job.label + "." + std::to_string(half);
      part.may_reupload = job.may_reupload;
      if (half == 0) part.entries.assign(job.entries.begin(), middle);
      else part.entries.assign(middle, job.entries.end());
      to_create_.push_front(std::move(part));
    }
    ++job.chunk->unfinished_jobs;  // two halves in place of one job
    return;
  }
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("data") && body["data"].is_object()) {
    job.id = body["data"].value("id", std::string());
  }
  if (job.id.empty()) {
    return finish_job(std::move(job), RecordStatus::RetriesExhausted, response.status,
                      "Klaviyo answered without a job id");
  }
  just_created_ = true;
  journal_.remember(job.key, JobState{job.id, ""});
  job.chunk->journal_keys.push_back(job.key);
  job.created_at = Clock::now();
  job.probe = ++jobs_created_ % kProbeEvery == 0;
  job.next_poll_at = job.created_at + (job.probe ? first_poll_delay_ * 3 / 4 : first_poll_delay_);
  open_.push_back(std::move(job));
}

KlaviyoJobPipeline::Job KlaviyoJobPipeline::take_open(std::size_t index) {
  Job job = std::move(open_[index]);
  open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(index));
  return job;
}

void KlaviyoJobPipeline::poll(std::size_t index) {
  Job& job = open_[index];
  const auto polled_at = Clock::now();
  ++job.polls;
  RequestResult polled =
      requester_.send(request("GET", "/api/profile-bulk-import-jobs/" + job.id), job.label, *limiters_.get_job, true);
  if (!polled.response) {
    if (polled.stopped) return;
    return finish_job(take_open(index), RecordStatus::RetriesExhausted, 0, polled.failure);
  }
  const HttpResponse& response = *polled.response;
  if (response.status == 404 && job.may_reupload) {
    // The job expired or never existed: upload its profiles again, once.
    journal_.forget(job.key);
    Job again = take_open(index);
    again.id.clear();
    again.may_reupload = false;
    again.polls = 0;
    to_create_.push_front(std::move(again));
    return;
  }
  if (!succeeded(response)) {
    const std::string message = "job " + job.id + ": " + klaviyo_message(response);
    return finish_job(take_open(index), RecordStatus::RetriesExhausted, response.status, message);
  }
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  nlohmann::json attributes;
  if (body.is_object() && body.contains("data") && body["data"].is_object() && body["data"].contains("attributes")) {
    attributes = body["data"]["attributes"];
  }
  const std::string status = attributes.is_object() ? attributes.value("status", std::string()) : std::string();
  if (status == "complete") {
    learn_turnaround(job, polled_at);
    if (attributes.value("failed_count", 0) > 0) {
      job.errors_page = "/api/profile-bulk-import-jobs/" + job.id + "/import-errors?page%5Bsize%5D=100";
      return;
    }
    return settle(take_open(index));
  }
  if (status == "cancelled") {
    const std::string message = "Klaviyo cancelled import job " + job.id;
    return finish_job(take_open(index), RecordStatus::RetriesExhausted, 200, message);
  }
  if (Clock::now() - job.created_at > options_.max_job_wait) {
    const std::string message = "Klaviyo import job " + job.id + " still " + status + " after the configured max wait";
    return finish_job(take_open(index), RecordStatus::RetriesExhausted, 200, message);
  }
  job.next_poll_at = Clock::now() + options_.poll_interval;
}

void KlaviyoJobPipeline::learn_turnaround(const Job& job, Clock::time_point polled_at) {
  // A first poll that found the job complete says only that it was ready by
  // then; one that came too early (or a probe's earlier poll) says how long
  // this job took. Waiting that long is cheaper than a wasted poll, whose
  // budget is as small as the create budget.
  if (job.polls > 1 || job.probe) {
    first_poll_delay_ = std::max<Clock::duration>(options_.poll_interval, polled_at - job.created_at);
  }
}

void KlaviyoJobPipeline::read_errors(std::size_t index) {
  Job& job = open_[index];
  RequestResult page = requester_.send(request("GET", job.errors_page), job.label, *limiters_.import_errors, true);
  if (!page.response) {
    if (page.stopped) return;
    return finish_job(take_open(index), RecordStatus::RetriesExhausted, 0, "import errors: " + page.failure);
  }
  auto errors = nlohmann::json::parse(page.response->body, nullptr, false);
  job.errors_page.clear();
  if (!errors.is_object() || !errors.contains("data") || !errors["data"].is_array()) return settle(take_open(index));
  for (const auto& error : errors["data"]) {
    if (!error.is_object() || !error.contains("attributes")) continue;
    const auto& payload = error["attributes"].value("original_payload", nlohmann::json());
    for (const auto& identity : klaviyo::identities(payload)) job.failures.emplace(identity, klaviyo::error_message(error));
  }
  if (errors.contains("links") && errors["links"].is_object() && errors["links"].contains("next") &&
      errors["links"]["next"].is_string()) {
    job.errors_page = errors["links"]["next"].get<std::string>();
  }
  if (job.errors_page.empty()) settle(take_open(index));
}

void KlaviyoJobPipeline::settle(Job job) {
  for (const KlaviyoJobEntry* entry : job.entries) {
    std::string rejection;
    for (const auto& identity : klaviyo::identities(entry->profile)) {
      auto failure = job.failures.find(identity);
      if (failure != job.failures.end()) {
        rejection = failure->second;
        break;
      }
    }
    if (rejection.empty()) {
      finish(*entry, RecordStatus::Accepted, 200, {}, job.id);
    } else {
      finish(*entry, RecordStatus::Rejected, 200, rejection);
    }
  }
  job_done(*job.chunk);
}

void KlaviyoJobPipeline::finish_job(Job job, RecordStatus status, long http_status, const std::string& message) {
  for (const KlaviyoJobEntry* entry : job.entries) finish(*entry, status, http_status, message);
  job_done(*job.chunk);
}

void KlaviyoJobPipeline::finish(const KlaviyoJobEntry& entry, RecordStatus status, long http_status,
                                const std::string& message, const std::string& destination_id) {
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

void KlaviyoJobPipeline::job_done(Chunk& chunk) {
  if (--chunk.unfinished_jobs > 0) return;
  for (const auto& entry : chunk.entries) {
    auto it = unfinished_keys_.find(entry.record.key);
    if (it != unfinished_keys_.end() && it->second == chunk.sequence) unfinished_keys_.erase(it);
  }
  acknowledge_prefix();
}

void KlaviyoJobPipeline::acknowledge_prefix() {
  while (!chunks_.empty() && chunks_.front()->unfinished_jobs == 0) {
    const Chunk& chunk = *chunks_.front();
    if (callbacks_.on_acknowledged) {
      callbacks_.on_acknowledged(BatchAck{chunk.label, chunk.entries.size(), chunk.entries.back().position + 1, chunk.sequence});
    }
    // Only now: until acknowledged, a resumed run must find the job to poll.
    for (const auto& key : chunk.journal_keys) journal_.forget(key);
    chunks_.pop_front();
  }
}

}  // namespace backflow::destinations
