#include "tests/support/emulators/braze_emulator.h"

#include <cmath>

namespace backflow::test {

namespace {

constexpr std::size_t kMaxObjects = 75;
const char* const kIdentifiers[] = {"external_id", "user_alias", "braze_id", "email"};

ServerReply braze_error(int status, const std::string& message) {
  return ServerReply::json(status, nlohmann::json{{"message", message}}.dump());
}

// The identifier an object names its user by, as "<field>" / value; empty when
// it names none or more than one. Email identifies only when no other
// identifier is present (otherwise it is an ordinary attribute).
std::pair<std::string, std::string> user_of(const nlohmann::json& object) {
  std::pair<std::string, std::string> found;
  int count = 0;
  for (const char* name : kIdentifiers) {
    if (std::string(name) == "email" && (object.contains("external_id") || object.contains("user_alias") ||
                                         object.contains("braze_id"))) {
      continue;
    }
    auto it = object.find(name);
    if (it == object.end()) continue;
    ++count;
    found = {name, it->is_string() ? it->get<std::string>() : it->dump()};
  }
  return count == 1 ? found : std::pair<std::string, std::string>{};
}

}  // namespace

BrazeEmulator::BrazeEmulator(std::string api_key)
    : api_key_(std::move(api_key)), server_([this](const ReceivedRequest& request) { return handle(request); }) {}

std::string BrazeEmulator::base_url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

void BrazeEmulator::reject_email(const std::string& email) {
  std::lock_guard lock(mutex_);
  rejected_emails_.insert(email);
}

void BrazeEmulator::set_rate_limit(std::size_t requests, std::chrono::milliseconds window) {
  std::lock_guard lock(mutex_);
  limit_ = std::make_unique<SlidingWindowLimit>(requests, window);
  limit_requests_ = requests;
}

void BrazeEmulator::fail_next(int count, int status) {
  failure_status_ = status;
  failures_ = count;
}

void BrazeEmulator::hang_next(int count) { hangs_ = count; }

std::map<std::string, nlohmann::json> BrazeEmulator::users() const {
  std::lock_guard lock(mutex_);
  return users_;
}

std::vector<nlohmann::json> BrazeEmulator::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::size_t BrazeEmulator::data_points() const {
  std::lock_guard lock(mutex_);
  return data_points_;
}

std::optional<std::string> BrazeEmulator::shape_error(const nlohmann::json& body) const {
  if (!body.is_object()) return "request body must be a JSON object";
  bool any = false;
  for (const auto& [name, value] : body.items()) {
    if (name != "attributes" && name != "events" && name != "purchases") return "unknown top-level key '" + name + "'";
    if (!value.is_array()) return "'" + name + "' must be an array";
    if (value.size() > kMaxObjects) return "'" + name + "' holds more than 75 objects";
    for (const auto& object : value) {
      if (!object.is_object()) return "'" + name + "' entries must be objects";
      if (user_of(object).first.empty()) return "each object must name exactly one user identifier";
      if (name == "events") {
        if (!object.contains("name") || !object["name"].is_string()) return "events need a string 'name'";
        if (!object.contains("time") || !object["time"].is_string()) return "events need an ISO 8601 'time'";
        if (object.contains("properties") && !object["properties"].is_object()) return "'properties' must be an object";
      }
      if (object.contains("_update_existing_only") && !object["_update_existing_only"].is_boolean()) {
        return "'_update_existing_only' must be a boolean";
      }
    }
    any = any || !value.empty();
  }
  if (!any) return "nothing to track";
  return std::nullopt;
}

ServerReply BrazeEmulator::handle(const ReceivedRequest& request) {
  if (hangs_.load() > 0 && hangs_.fetch_sub(1) > 0) return ServerReply::hang();
  if (request.method != "POST" || request.target != "/users/track") return braze_error(404, "no such endpoint");
  if (request.header("authorization") != "Bearer " + api_key_) return braze_error(401, "Invalid API key");
  {
    std::lock_guard lock(mutex_);
    if (limit_ && !limit_->admit()) {
      ++throttled_;
      auto now = std::chrono::system_clock::now().time_since_epoch();
      auto reset = std::chrono::duration_cast<std::chrono::seconds>(now).count() +
                   static_cast<long long>(std::ceil(limit_->seconds_until_free()));
      ServerReply reply = braze_error(429, "Rate limit exceeded");
      reply.headers = {{"X-RateLimit-Limit", std::to_string(limit_requests_)},
                       {"X-RateLimit-Remaining", "0"},
                       {"X-RateLimit-Reset", std::to_string(reset)}};
      return reply;
    }
  }
  if (failures_.load() > 0 && failures_.fetch_sub(1) > 0) return braze_error(failure_status_.load(), "Internal error");
  if (request.header("content-type").rfind("application/json", 0) != 0) {
    ++shape_violations_;
    return braze_error(400, "Content-Type must be application/json");
  }
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (auto problem = shape_error(body)) {
    ++shape_violations_;
    return braze_error(400, *problem);
  }
  nlohmann::json errors = nlohmann::json::array();
  std::lock_guard lock(mutex_);
  std::size_t attributes = 0;
  std::size_t events = 0;
  if (auto it = body.find("attributes"); it != body.end()) {
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& object = (*it)[i];
      auto email = object.find("email");
      if (email != object.end() && email->is_string() && rejected_emails_.count(email->get<std::string>()) != 0) {
        errors.push_back({{"type", "'email' is not a valid email address"}, {"input_array", "attributes"}, {"index", i}});
        continue;
      }
      auto [field, id] = user_of(object);
      bool existing_only = object.value("_update_existing_only", false);
      auto user = users_.find(id);
      if (user == users_.end()) {
        if (existing_only) continue;  // Braze ignores updates of unknown users silently
        user = users_.emplace(id, nlohmann::json::object()).first;
      }
      for (const auto& [name, value] : object.items()) {
        if (name == field || name == "_update_existing_only") continue;
        user->second[name] = value;
        ++data_points_;
      }
      ++attributes;
    }
  }
  if (auto it = body.find("events"); it != body.end()) {
    for (const auto& object : *it) {
      events_.push_back(object);
      ++events;
    }
  }
  nlohmann::json reply = {{"message", "success"}, {"attributes_processed", attributes}, {"events_processed", events}};
  if (!errors.empty()) reply["errors"] = errors;
  return ServerReply::json(201, reply.dump());
}

}  // namespace backflow::test
