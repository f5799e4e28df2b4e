#include "tests/support/emulators/hubspot_emulator.h"

#include <vector>

namespace backflow::test {

namespace {

ServerReply hubspot_error(int status, const std::string& category, const std::string& message) {
  nlohmann::json body{{"status", "error"}, {"message", message}, {"category", category},
                      {"correlationId", "00000000-0000-0000-0000-000000000000"}};
  return ServerReply::json(status, body.dump());
}

std::string now_text() { return "2026-01-01T00:00:00.000Z"; }

nlohmann::json result_for(const HubSpotObject& object, const nlohmann::json& input, bool created) {
  nlohmann::json result{{"id", object.id}, {"properties", object.properties}, {"createdAt", now_text()},
                        {"updatedAt", now_text()}, {"archived", false}, {"new", created}};
  if (input.contains("objectWriteTraceId")) result["objectWriteTraceId"] = input["objectWriteTraceId"];
  return result;
}

nlohmann::json record_error(const nlohmann::json& input, const std::string& category, const std::string& message) {
  nlohmann::json context = nlohmann::json::object();
  if (input.contains("objectWriteTraceId")) context["objectWriteTraceId"] = {input["objectWriteTraceId"]};
  if (input.contains("id") && input["id"].is_string()) context["ids"] = {input["id"]};
  return nlohmann::json{{"status", "error"}, {"category", category}, {"message", message},
                        {"context", context}, {"errors", nlohmann::json::array()}, {"links", nlohmann::json::object()}};
}

}  // namespace

HubSpotEmulator::HubSpotEmulator(std::string token) : token_(std::move(token)), random_(7) {
  set_rate_limit(100, std::chrono::seconds(10));
  server_ = std::make_unique<HttpTestServer>([this](const ReceivedRequest& request) { return handle(request); },
                                             false);
}

std::string HubSpotEmulator::base_url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

std::map<std::string, HubSpotObject> HubSpotEmulator::objects(const std::string& object_type) const {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(object_type);
  return it == objects_.end() ? std::map<std::string, HubSpotObject>{} : it->second;
}

void HubSpotEmulator::set_rate_limit(std::size_t requests, std::chrono::milliseconds window) {
  std::lock_guard lock(mutex_);
  limit_requests_ = requests;
  limit_window_ = window;
  if (requests == 0) {
    limit_.reset();
  } else {
    limit_.emplace(requests, window);
  }
}

void HubSpotEmulator::set_fault_rate(double probability, std::uint32_t seed) {
  std::lock_guard lock(mutex_);
  fault_rate_ = probability;
  random_.seed(seed);
}

std::size_t HubSpotEmulator::throttled() const {
  std::lock_guard lock(mutex_);
  return throttled_;
}

std::size_t HubSpotEmulator::faults() const {
  std::lock_guard lock(mutex_);
  return faults_;
}

std::size_t HubSpotEmulator::batches_applied() const {
  std::lock_guard lock(mutex_);
  return batches_applied_;
}

ServerReply HubSpotEmulator::handle(const ReceivedRequest& request) {
  if (request.header("authorization") != "Bearer " + token_) {
    return hubspot_error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.");
  }
  std::lock_guard lock(mutex_);
  if (limit_ && !limit_->admit()) {
    ++throttled_;
    ServerReply reply = hubspot_error(429, "RATE_LIMITS", "You have reached your ten_secondly_rolling limit.");
    reply.headers = {{"X-HubSpot-RateLimit-Max", std::to_string(limit_requests_)},
                     {"X-HubSpot-RateLimit-Remaining", "0"},
                     {"X-HubSpot-RateLimit-Interval-Milliseconds", std::to_string(limit_window_.count())}};
    return reply;
  }
  if (fault_rate_ > 0 && std::uniform_real_distribution<double>(0, 1)(random_) < fault_rate_) {
    ++faults_;
    switch (random_() % 4) {
      case 0:
        return hubspot_error(500, "INTERNAL_ERROR", "internal error (injected)");
      case 1:
        return hubspot_error(503, "SERVICE_UNAVAILABLE", "service unavailable (injected)");
      case 2:
        return ServerReply::hang();
      default:
        return ServerReply::drop();
    }
  }
  // /crm/v3/objects/{type}/batch/{operation}
  const std::string prefix = "/crm/v3/objects/";
  const auto batch_at = request.target.find("/batch/");
  if (request.method != "POST" || request.target.rfind(prefix, 0) != 0 || batch_at == std::string::npos) {
    return hubspot_error(404, "OBJECT_NOT_FOUND", "no such endpoint: " + request.method + " " + request.target);
  }
  const std::string object_type = request.target.substr(prefix.size(), batch_at - prefix.size());
  const std::string operation = request.target.substr(batch_at + 7);
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("inputs") || !body["inputs"].is_array()) {
    return hubspot_error(400, "VALIDATION_ERROR", "Invalid input JSON: inputs is required");
  }
  if (body["inputs"].size() > 100) {
    return hubspot_error(400, "VALIDATION_ERROR",
                         "Batch input size " + std::to_string(body["inputs"].size()) + " exceeds the limit of 100");
  }
  ServerReply reply = apply(object_type, operation, body["inputs"]);
  const std::size_t remaining = limit_requests_;  // approximate: the window's budget, never 0 here
  reply.headers.emplace_back("X-HubSpot-RateLimit-Max", std::to_string(limit_requests_));
  reply.headers.emplace_back("X-HubSpot-RateLimit-Remaining", std::to_string(remaining > 0 ? remaining - 1 : 0));
  reply.headers.emplace_back("X-HubSpot-RateLimit-Interval-Milliseconds", std::to_string(limit_window_.count()));
  if (limit_requests_ == 0) reply.headers.resize(reply.headers.size() - 3);
  return reply;
}

ServerReply HubSpotEmulator::apply(const std::string& object_type, const std::string& operation,
                                   const nlohmann::json& inputs) {
  auto& store = objects_[object_type];
  // Shape first: a malformed input refuses the whole batch, as HubSpot does.
  for (const auto& input : inputs) {
    if (!input.is_object()) return hubspot_error(400, "VALIDATION_ERROR", "inputs must be objects");
    if (operation == "archive") {
      if (!input.contains("id") || !input["id"].is_string()) {
        return hubspot_error(400, "VALIDATION_ERROR", "archive inputs need a string id");
      }
      continue;
    }
    if (!input.contains("properties") || !input["properties"].is_object()) {
      return hubspot_error(400, "VALIDATION_ERROR", "inputs need properties");
    }
    for (const auto& [name, value] : input["properties"].items()) {
      if (!value.is_string()) {
        return hubspot_error(400, "VALIDATION_ERROR", "Property values must be strings: " + name);
      }
    }
    if (operation == "upsert" && (!input.contains("idProperty") || !input.contains("id"))) {
      return hubspot_error(400, "VALIDATION_ERROR", "upsert inputs need id and idProperty");
    }
    if (operation == "update" && !input.contains("id")) {
      return hubspot_error(400, "VALIDATION_ERROR", "update inputs need id");
    }
    if (operation == "create" && !input.contains("associations")) {
      return hubspot_error(400, "VALIDATION_ERROR", "create inputs need associations");
    }
  }
  if (operation == "archive") {
    for (const auto& input : inputs) store.erase(input["id"].get<std::string>());
    ++batches_applied_;
    ServerReply reply;
    reply.status = 204;
    reply.body.clear();
    return reply;
  }
  if (operation != "upsert" && operation != "create" && operation != "update") {
    return hubspot_error(404, "OBJECT_NOT_FOUND", "unknown batch operation " + operation);
  }
  auto find_by = [&](const std::string& property, const std::string& value) -> HubSpotObject* {
    for (auto& [id, object] : store) {
      auto it = object.properties.find(property);
      if (it != object.properties.end() && it->second == value) return &object;
    }
    return nullptr;
  };
  auto write = [](HubSpotObject& object, const nlohmann::json& properties) {
    for (const auto& [name, value] : properties.items()) {
      if (value.get<std::string>().empty()) {
        object.properties.erase(name);
      } else {
        object.properties[name] = value.get<std::string>();
      }
    }
  };
  nlohmann::json results = nlohmann::json::array();
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& input : inputs) {
    const auto& properties = input["properties"];
    if (properties.contains("email")) {
      const std::string email = properties["email"].get<std::string>();
      if (!email.empty() && email.find('@') == std::string::npos) {
        errors.push_back(record_error(input, "VALIDATION_ERROR", "Property values were not valid: email \"" + email +
                                                                     "\" is not a valid email address"));
        continue;
      }
    }
    HubSpotObject* object = nullptr;
    bool created = false;
    if (operation == "create") {
      if (properties.contains(unique_property_) && !properties[unique_property_].get<std::string>().empty() &&
          find_by(unique_property_, properties[unique_property_].get<std::string>()) != nullptr) {
        errors.push_back(record_error(input, "CONFLICT", "Object already exists with " + unique_property_ + " " +
                                                             properties[unique_property_].get<std::string>()));
        continue;
      }
    } else {
      const std::string id = input["id"].get<std::string>();
      if (input.contains("idProperty")) {
        object = find_by(input["idProperty"].get<std::string>(), id);
      } else {
        auto it = store.find(id);
        if (it != store.end()) object = &it->second;
      }
      if (object == nullptr && operation == "update") {
        errors.push_back(record_error(input, "OBJECT_NOT_FOUND", "Object not found. objectId are usually numeric."));
        continue;
      }
    }
    if (object == nullptr) {
      std::string id = std::to_string(next_id_++);
      object = &store[id];
      object->id = id;
      created = true;
      if (operation == "upsert") object->properties[input["idProperty"].get<std::string>()] = input["id"];
    }
    write(*object, properties);
    results.push_back(result_for(*object, input, created));
  }
  ++batches_applied_;
  nlohmann::json body{{"status", "COMPLETE"}, {"results", results}, {"startedAt", now_text()},
                      {"completedAt", now_text()}};
  if (!errors.empty()) {
    body["errors"] = errors;
    body["numErrors"] = errors.size();
    return ServerReply::json(207, body.dump());
  }
  return ServerReply::json(operation == "create" ? 201 : 200, body.dump());
}

}  // namespace backflow::test
