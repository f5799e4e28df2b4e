#include "tests/support/emulators/iterable_emulator.h"

namespace backflow::test {

namespace {

ServerReply iterable_error(int status, const std::string& code, const std::string& message) {
  return ServerReply::json(status, nlohmann::json{{"msg", message}, {"code", code}, {"params", nullptr}}.dump());
}

nlohmann::json empty_failures() {
  nlohmann::json lists = nlohmann::json::object();
  for (const char* name : {"conflictEmails", "conflictUserIds", "forgottenEmails", "forgottenUserIds", "invalidDataEmails",
                           "invalidDataUserIds", "invalidEmails", "invalidUserIds", "notFoundEmails", "notFoundUserIds"}) {
    lists[name] = nlohmann::json::array();
  }
  return lists;
}

// The user an entry names: its email, else its userId; empty when neither is a string.
std::pair<std::string, std::string> user_of(const nlohmann::json& entry) {
  for (const char* name : {"email", "userId"}) {
    auto it = entry.find(name);
    if (it != entry.end() && it->is_string() && !it->get<std::string>().empty()) return {name, it->get<std::string>()};
  }
  return {};
}

}  // namespace

IterableEmulator::IterableEmulator(std::string api_key)
    : api_key_(std::move(api_key)), server_([this](const ReceivedRequest& request) { return handle(request); }) {}

std::string IterableEmulator::base_url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

void IterableEmulator::reject_email(const std::string& email) {
  std::lock_guard lock(mutex_);
  rejected_emails_.insert(email);
}

void IterableEmulator::set_rate_limit(std::size_t requests, std::chrono::milliseconds window) {
  std::lock_guard lock(mutex_);
  limit_ = std::make_unique<SlidingWindowLimit>(requests, window);
}

void IterableEmulator::fail_next(int count, int status) {
  failure_status_ = status;
  failures_ = count;
}

void IterableEmulator::hang_next(int count) { hangs_ = count; }

std::map<std::string, nlohmann::json> IterableEmulator::users() const {
  std::lock_guard lock(mutex_);
  return users_;
}

std::map<std::string, nlohmann::json> IterableEmulator::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

ServerReply IterableEmulator::handle(const ReceivedRequest& request) {
  if (hangs_.load() > 0 && hangs_.fetch_sub(1) > 0) return ServerReply::hang();
  if (request.header("api-key") != api_key_) return iterable_error(401, "BadApiKey", "Invalid API key");
  {
    std::lock_guard lock(mutex_);
    if (limit_ && !limit_->admit()) {
      ++throttled_;
      return iterable_error(429, "RateLimitExceeded", "Rate limit exceeded");
    }
  }
  if (failures_.load() > 0 && failures_.fetch_sub(1) > 0) {
    return iterable_error(failure_status_.load(), "GenericError", "Internal error");
  }
  if (request.body.size() > kMaxBodyBytes) return iterable_error(413, "RequestTooLarge", "Request body exceeds 4MB");
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object()) return iterable_error(400, "InvalidJsonBody", "Body is not a JSON object");
  if (request.method == "POST" && request.target == "/api/users/bulkUpdate") return bulk_update(body);
  if (request.method == "POST" && request.target == "/api/events/trackBulk") return track_bulk(body);
  return iterable_error(404, "NotFound", "No such endpoint " + request.target);
}

ServerReply IterableEmulator::bulk_update(const nlohmann::json& body) {
  auto users = body.find("users");
  if (users == body.end() || !users->is_array()) return iterable_error(400, "InvalidJsonBody", "'users' must be an array");
  nlohmann::json failed = empty_failures();
  std::size_t successes = 0;
  std::lock_guard lock(mutex_);
  for (const auto& entry : *users) {
    auto [field, id] = user_of(entry);
    if (field.empty()) return iterable_error(400, "InvalidJsonBody", "each user needs an email or userId");
    if (field == "email" && rejected_emails_.count(id) != 0) {
      failed["invalidEmails"].push_back(id);
      continue;
    }
    nlohmann::json& user = users_[id];
    if (!user.is_object()) user = nlohmann::json::object();
    if (auto fields = entry.find("dataFields"); fields != entry.end() && fields->is_object()) user.update(*fields);
    ++successes;
  }
  nlohmann::json reply = {{"successCount", successes},
                          {"failCount", users->size() - successes},
                          {"invalidEmails", failed["invalidEmails"]},
                          {"invalidUserIds", nlohmann::json::array()},
                          {"filteredOutFields", nlohmann::json::array()},
                          {"createdFields", nlohmann::json::array()},
                          {"failedUpdates", failed}};
  return ServerReply::json(200, reply.dump());
}

ServerReply IterableEmulator::track_bulk(const nlohmann::json& body) {
  auto events = body.find("events");
  if (events == body.end() || !events->is_array()) return iterable_error(400, "InvalidJsonBody", "'events' must be an array");
  nlohmann::json failed = empty_failures();
  std::size_t successes = 0;
  std::lock_guard lock(mutex_);
  for (const auto& entry : *events) {
    auto [field, id] = user_of(entry);
    if (field.empty() || !entry.contains("eventName")) {
      return iterable_error(400, "InvalidJsonBody", "each event needs eventName and an email or userId");
    }
    if (field == "email" && rejected_emails_.count(id) != 0) {
      failed["invalidEmails"].push_back(id);
      continue;
    }
    std::string event_id = entry.value("id", std::to_string(events_.size()) + ".generated");
    events_[event_id] = entry;
    ++successes;
  }
  nlohmann::json reply = {{"successCount", successes},
                          {"failCount", events->size() - successes},
                          {"invalidEmails", failed["invalidEmails"]},
                          {"invalidUserIds", nlohmann::json::array()},
                          {"disallowedEventNames", nlohmann::json::array()},
                          {"filteredOutFields", nlohmann::json::array()},
                          {"createdFields", nlohmann::json::array()},
                          {"failedUpdates", failed}};
  return ServerReply::json(200, reply.dump());
}

}  // namespace backflow::test
