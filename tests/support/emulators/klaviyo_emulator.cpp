#include "tests/support/emulators/klaviyo_emulator.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace backflow::test {

namespace {

constexpr std::size_t kMaxProfiles = 10000;
constexpr std::size_t kMaxBytes = 5 * 1024 * 1024;
const std::string kJobs = "/api/profile-bulk-import-jobs";

ServerReply klaviyo_error(int status, const std::string& code, const std::string& title, const std::string& detail,
                          const std::string& pointer = "/data") {
  nlohmann::json error = {{"id", "emulated"},
                          {"status", status},
                          {"code", code},
                          {"title", title},
                          {"detail", detail},
                          {"source", {{"pointer", pointer}}}};
  ServerReply reply = ServerReply::json(status, nlohmann::json{{"errors", {error}}}.dump());
  reply.headers = {{"Content-Type", "application/vnd.api+json"}};
  return reply;
}

ServerReply api_json(int status, const nlohmann::json& body) {
  ServerReply reply = ServerReply::json(status, body.dump());
  reply.headers = {{"Content-Type", "application/vnd.api+json"}};
  return reply;
}

// Where a profile is stored: external_id, else email, else phone_number.
std::string storage_key(const nlohmann::json& attributes) {
  for (const char* name : {"external_id", "email", "phone_number"}) {
    auto it = attributes.find(name);
    if (it != attributes.end() && it->is_string() && !it->get<std::string>().empty()) return it->get<std::string>();
  }
  return {};
}

std::string query_value(const std::string& query, const std::string& name) {
  std::size_t at = 0;
  while (at < query.size()) {
    std::size_t end = query.find('&', at);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(at, end - at);
    if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
    at = end + 1;
  }
  return {};
}

}  // namespace

KlaviyoEmulator::KlaviyoEmulator(std::string api_key)
    : api_key_(std::move(api_key)), server_([this](const ReceivedRequest& request) { return handle(request); }) {}

std::string KlaviyoEmulator::base_url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

void KlaviyoEmulator::reject_email(const std::string& email) {
  std::lock_guard lock(mutex_);
  rejected_emails_.insert(email);
}

void KlaviyoEmulator::set_polls_until_complete(int polls) {
  std::lock_guard lock(mutex_);
  polls_until_complete_ = polls;
  for (auto& [id, job] : jobs_) job.polls_left = std::min(job.polls_left, polls);
}

void KlaviyoEmulator::set_processing_time(std::chrono::milliseconds base, std::chrono::microseconds per_profile) {
  std::lock_guard lock(mutex_);
  processing_base_ = base;
  processing_per_profile_ = per_profile;
}

void KlaviyoEmulator::set_error_page_size(std::size_t size) {
  std::lock_guard lock(mutex_);
  error_page_size_ = size;
}

void KlaviyoEmulator::set_rate_limit(KlaviyoEndpoint endpoint, std::vector<KlaviyoWindow> windows) {
  std::lock_guard lock(mutex_);
  limits_[endpoint].windows = std::move(windows);
}

void KlaviyoEmulator::set_rate_limit(std::size_t requests, std::chrono::milliseconds window) {
  for (auto endpoint : {KlaviyoEndpoint::CreateJob, KlaviyoEndpoint::GetJob, KlaviyoEndpoint::ImportErrors}) {
    set_rate_limit(endpoint, {KlaviyoWindow{requests, window}});
  }
}

void KlaviyoEmulator::set_documented_rate_limits() {
  using namespace std::chrono_literals;
  for (auto endpoint : {KlaviyoEndpoint::CreateJob, KlaviyoEndpoint::GetJob, KlaviyoEndpoint::ImportErrors}) {
    set_rate_limit(endpoint, {KlaviyoWindow{10, 1s}, KlaviyoWindow{150, 60s}});
  }
}

void KlaviyoEmulator::fail_next(int count, int status) {
  failure_status_ = status;
  failures_ = count;
}

void KlaviyoEmulator::hang_next(int count) { hangs_ = count; }

std::map<std::string, nlohmann::json> KlaviyoEmulator::profiles() const {
  std::lock_guard lock(mutex_);
  return profiles_;
}

std::set<std::string> KlaviyoEmulator::list_members(const std::string& list_id) const {
  std::lock_guard lock(mutex_);
  auto it = lists_.find(list_id);
  return it == lists_.end() ? std::set<std::string>{} : it->second;
}

std::size_t KlaviyoEmulator::jobs_created() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

std::size_t KlaviyoEmulator::max_open_jobs() const {
  std::lock_guard lock(mutex_);
  return max_open_jobs_;
}

std::size_t KlaviyoEmulator::throttled() const {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& [endpoint, limit] : limits_) total += limit.throttled;
  return total;
}

std::size_t KlaviyoEmulator::throttled(KlaviyoEndpoint endpoint) const {
  std::lock_guard lock(mutex_);
  auto it = limits_.find(endpoint);
  return it == limits_.end() ? 0 : it->second.throttled;
}

std::size_t KlaviyoEmulator::requests_to(KlaviyoEndpoint endpoint) const {
  std::lock_guard lock(mutex_);
  auto it = limits_.find(endpoint);
  return it == limits_.end() ? 0 : it->second.requests;
}

long KlaviyoEmulator::admit(EndpointLimit& limit) {
  const auto now = std::chrono::steady_clock::now();
  ++limit.requests;
  std::chrono::milliseconds longest{0};
  for (const auto& window : limit.windows) longest = std::max(longest, window.window);
  while (!limit.admitted.empty() && limit.admitted.front() <= now - longest) limit.admitted.pop_front();
  double wait_seconds = 0;
  for (const auto& window : limit.windows) {
    // Requests of this window, oldest first: the first one inside it.
    auto inside = std::upper_bound(limit.admitted.begin(), limit.admitted.end(), now - window.window);
    const auto count = static_cast<std::size_t>(limit.admitted.end() - inside);
    if (count < window.requests) continue;
    // Room comes when the (count - requests + 1)th oldest leaves the window.
    auto leaving = inside + static_cast<std::ptrdiff_t>(count - window.requests);
    std::chrono::duration<double> wait = *leaving + window.window - now;
    wait_seconds = std::max(wait_seconds, wait.count());
  }
  if (wait_seconds > 0 || std::any_of(limit.windows.begin(), limit.windows.end(),
                                      [](const KlaviyoWindow& window) { return window.requests == 0; })) {
    ++limit.throttled;
    return std::max(1L, static_cast<long>(std::ceil(wait_seconds)));
  }
  limit.admitted.push_back(now);
  return 0;
}

void KlaviyoEmulator::settle() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<Job*> due;
  std::size_t open = 0;
  for (auto& [id, job] : jobs_) {
    if (job.complete) continue;
    if (job.polls_left <= 0 && now >= job.ready_at) due.push_back(&job);
    else ++open;
  }
  // Jobs apply in the order they finished processing, ties in creation order.
  std::sort(due.begin(), due.end(), [](const Job* a, const Job* b) {
    return a->ready_at != b->ready_at ? a->ready_at < b->ready_at : a->number < b->number;
  });
  for (Job* job : due) complete(*job);
  max_open_jobs_ = std::max(max_open_jobs_, open);
}

ServerReply KlaviyoEmulator::handle(const ReceivedRequest& request) {
  if (hangs_.load() > 0 && hangs_.fetch_sub(1) > 0) return ServerReply::hang();
  if (request.header("authorization") != "Klaviyo-API-Key " + api_key_) {
    return klaviyo_error(401, "not_authenticated", "Authentication credentials were not provided.", "Missing or invalid private key.");
  }
  if (request.header("revision").empty()) {
    return klaviyo_error(400, "invalid", "Invalid input.", "The revision header is required.");
  }
  std::string path = request.target;
  std::string query;
  if (auto mark = path.find('?'); mark != std::string::npos) {
    query = path.substr(mark + 1);
    path.resize(mark);
  }
  const std::string errors_suffix = "/import-errors";
  std::optional<KlaviyoEndpoint> endpoint;
  std::string job_id;
  if (request.method == "POST" && path == kJobs) {
    endpoint = KlaviyoEndpoint::CreateJob;
  } else if (request.method == "GET" && path.rfind(kJobs + "/", 0) == 0) {
    job_id = path.substr(kJobs.size() + 1);
    endpoint = KlaviyoEndpoint::GetJob;
    if (job_id.size() > errors_suffix.size() &&
        job_id.compare(job_id.size() - errors_suffix.size(), errors_suffix.size(), errors_suffix) == 0) {
      job_id.resize(job_id.size() - errors_suffix.size());
      endpoint = KlaviyoEndpoint::ImportErrors;
    }
  }
  if (!endpoint) return klaviyo_error(404, "not_found", "Not found.", "No route " + request.method + " " + path);

  std::lock_guard lock(mutex_);
  if (long wait = admit(limits_[*endpoint]); wait > 0) {
    ServerReply reply = klaviyo_error(429, "throttled", "Request was throttled.",
                                      "Request was throttled. Expected available in " + std::to_string(wait) + " second(s).");
    reply.headers.emplace_back("Retry-After", std::to_string(wait));
    return reply;
  }
  if (failures_.load() > 0 && failures_.fetch_sub(1) > 0) {
    return klaviyo_error(failure_status_.load(), "error", "A server error occurred.", "Try again later.");
  }
  settle();
  switch (*endpoint) {
    case KlaviyoEndpoint::CreateJob: return create_job(request);
    case KlaviyoEndpoint::GetJob: return job_status(job_id);
    case KlaviyoEndpoint::ImportErrors: return job_errors(job_id, query);
  }
  return klaviyo_error(500, "error", "A server error occurred.", "unknown endpoint");
}

ServerReply KlaviyoEmulator::create_job(const ReceivedRequest& request) {
  if (request.header("content-type").rfind("application/vnd.api+json", 0) != 0) {
    return klaviyo_error(415, "unsupported_media_type", "Unsupported media type.", "Use application/vnd.api+json.");
  }
  if (request.body.size() > kMaxBytes) return klaviyo_error(413, "too_large", "Payload too large.", "A job holds at most 5 MB.");
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("data") || !body["data"].is_object() ||
      body["data"].value("type", "") != "profile-bulk-import-job") {
    return klaviyo_error(400, "invalid", "Invalid input.", "data must be a profile-bulk-import-job");
  }
  const auto& data = body["data"];
  const nlohmann::json* profiles = nullptr;
  if (data.contains("attributes") && data["attributes"].contains("profiles") &&
      data["attributes"]["profiles"].contains("data") && data["attributes"]["profiles"]["data"].is_array()) {
    profiles = &data["attributes"]["profiles"]["data"];
  }
  if (profiles == nullptr) return klaviyo_error(400, "invalid", "Invalid input.", "attributes.profiles.data is required");
  if (profiles->empty() || profiles->size() > kMaxProfiles) {
    return klaviyo_error(400, "invalid", "Invalid input.", "a job holds 1 to 10,000 profiles");
  }
  Job job;
  for (std::size_t i = 0; i < profiles->size(); ++i) {
    const auto& profile = (*profiles)[i];
    const std::string pointer = "/data/attributes/profiles/data/" + std::to_string(i);
    if (!profile.is_object() || profile.value("type", "") != "profile" || !profile.contains("attributes") ||
        storage_key(profile["attributes"]).empty()) {
      return klaviyo_error(400, "invalid", "Invalid input.", "each profile needs an email, phone_number or external_id",
                           pointer);
    }
    if (profile["attributes"].contains("properties") && !profile["attributes"]["properties"].is_object()) {
      return klaviyo_error(400, "invalid", "Invalid input.", "properties must be an object", pointer);
    }
    job.profiles.push_back(profile["attributes"]);
  }
  if (data.contains("relationships")) {
    const auto& lists = data["relationships"].value("lists", nlohmann::json::object());
    if (lists.contains("data") && lists["data"].is_array() && !lists["data"].empty()) {
      job.list_id = lists["data"][0].value("id", "");
    }
  }
  job.polls_left = polls_until_complete_;
  job.ready_at = std::chrono::steady_clock::now() + processing_base_ +
                 processing_per_profile_ * static_cast<long>(job.profiles.size());
  job.number = jobs_.size() + 1;
  std::string id = "job-" + std::to_string(job.number);
  auto& stored = jobs_.emplace(id, std::move(job)).first->second;
  settle();  // counts the new job as open
  return api_json(202, {{"data", job_resource(id, stored)}});
}

void KlaviyoEmulator::complete(Job& job) {
  job.complete = true;
  for (const auto& attributes : job.profiles) {
    auto email = attributes.find("email");
    if (email != attributes.end() && email->is_string() && rejected_emails_.count(email->get<std::string>()) != 0) {
      job.errors.push_back({{"type", "import-error"},
                            {"id", "err-" + std::to_string(job.errors.size() + 1)},
                            {"attributes",
                             {{"code", "invalid"},
                              {"title", "Invalid input."},
                              {"detail", "Invalid email address"},
                              {"source", {{"pointer", "/data/attributes/email"}}},
                              {"original_payload", attributes}}}});
      continue;
    }
    std::string key = storage_key(attributes);
    nlohmann::json& profile = profiles_[key];
    if (!profile.is_object()) profile = nlohmann::json::object();
    for (const auto& [name, value] : attributes.items()) {
      if (name == "properties") {
        if (!profile.contains("properties")) profile["properties"] = nlohmann::json::object();
        profile["properties"].update(value);
      } else {
        profile[name] = value;
      }
    }
    if (!job.list_id.empty()) lists_[job.list_id].insert(key);
  }
}

nlohmann::json KlaviyoEmulator::job_resource(const std::string& id, const Job& job) const {
  const std::size_t total = job.profiles.size();
  return {{"type", "profile-bulk-import-job"},
          {"id", id},
          {"attributes",
           {{"status", job.complete ? "complete" : (job.polled ? "processing" : "queued")},
            {"created_at", "2026-11-22T00:00:00+00:00"},
            {"total_count", total},
            {"completed_count", job.complete ? total - job.errors.size() : 0},
            {"failed_count", job.errors.size()},
            {"completed_at", nullptr},
            {"expires_at", "2026-11-29T00:00:00+00:00"},
            {"started_at", nullptr}}},
          {"links", {{"self", base_url() + kJobs + "/" + id}}}};
}

ServerReply KlaviyoEmulator::job_status(const std::string& id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return klaviyo_error(404, "not_found", "Not found.", "No job " + id);
  Job& job = it->second;
  if (!job.complete) {
    job.polled = true;
    if (job.polls_left > 0) --job.polls_left;  // this poll still answers processing (settle() completes it later)
  }
  return api_json(200, {{"data", job_resource(id, job)}});
}

ServerReply KlaviyoEmulator::job_errors(const std::string& id, const std::string& query) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return klaviyo_error(404, "not_found", "Not found.", "No job " + id);
  const Job& job = it->second;
  std::string cursor = query_value(query, "page%5Bcursor%5D");
  if (cursor.empty()) cursor = query_value(query, "page[cursor]");
  std::size_t from = cursor.empty() ? 0 : std::stoul(cursor);
  std::size_t to = std::min(job.errors.size(), from + error_page_size_);
  nlohmann::json data = nlohmann::json::array();
  for (std::size_t i = from; i < to; ++i) data.push_back(job.errors[i]);
  nlohmann::json links = {{"self", base_url() + kJobs + "/" + id + "/import-errors"}, {"next", nullptr}};
  if (to < job.errors.size()) {
    links["next"] = base_url() + kJobs + "/" + id + "/import-errors?page%5Bcursor%5D=" + std::to_string(to);
  }
  return api_json(200, {{"data", data}, {"links", links}});
}

}  // namespace backflow::test
