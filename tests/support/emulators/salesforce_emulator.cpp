#include "tests/support/emulators/salesforce_emulator.h"

#include <sstream>
#include <vector>

namespace backflow::test {

namespace {

ServerReply salesforce_error(int status, const std::string& code, const std::string& message) {
  return ServerReply::json(status, nlohmann::json::array({{{"errorCode", code}, {"message", message}}}).dump());
}

nlohmann::json failure(const std::string& code, const std::string& message) {
  return nlohmann::json{{"success", false},
                        {"errors", nlohmann::json::array({{{"statusCode", code}, {"message", message},
                                                           {"fields", nlohmann::json::array()}}})}};
}

nlohmann::json success(const std::string& id, bool created) {
  return nlohmann::json{{"id", id}, {"success", true}, {"errors", nlohmann::json::array()}, {"created", created}};
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) parts.push_back(part);
  return parts;
}

}  // namespace

SalesforceEmulator::SalesforceEmulator(std::string token) : token_(std::move(token)) {
  server_ = std::make_unique<HttpTestServer>([this](const ReceivedRequest& request) { return handle(request); },
                                             false);
}

std::string SalesforceEmulator::instance_url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port());
}

std::map<std::string, SalesforceRecord> SalesforceEmulator::records(const std::string& object) const {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(object);
  return it == objects_.end() ? std::map<std::string, SalesforceRecord>{} : it->second;
}

void SalesforceEmulator::set_quota(std::size_t requests, std::chrono::milliseconds window) {
  std::lock_guard lock(mutex_);
  if (requests == 0) {
    quota_.reset();
  } else {
    quota_.emplace(requests, window);
  }
}

void SalesforceEmulator::set_fault_rate(double probability, std::uint32_t seed) {
  std::lock_guard lock(mutex_);
  fault_rate_ = probability;
  random_.seed(seed);
}

std::size_t SalesforceEmulator::quota_refusals() const {
  std::lock_guard lock(mutex_);
  return quota_refusals_;
}

std::size_t SalesforceEmulator::faults() const {
  std::lock_guard lock(mutex_);
  return faults_;
}

void SalesforceEmulator::set_oauth_client(std::string client_id, std::string client_secret, std::string refresh_token) {
  std::lock_guard lock(mutex_);
  client_id_ = std::move(client_id);
  client_secret_ = std::move(client_secret);
  refresh_token_ = std::move(refresh_token);
}

std::size_t SalesforceEmulator::token_grants() const {
  std::lock_guard lock(mutex_);
  return token_grants_;
}

ServerReply SalesforceEmulator::grant_token(const ReceivedRequest& request) {
  std::map<std::string, std::string> form;
  for (const auto& pair : split(request.body, '&')) {
    const auto equals = pair.find('=');
    if (equals != std::string::npos) form[pair.substr(0, equals)] = pair.substr(equals + 1);  // test values need no decoding
  }
  std::lock_guard lock(mutex_);
  const bool client_ok = !client_id_.empty() && form["client_id"] == client_id_;
  bool granted = false;
  if (form["grant_type"] == "refresh_token") {
    granted = client_ok && form["refresh_token"] == refresh_token_;
  } else if (form["grant_type"] == "client_credentials") {
    granted = client_ok && form["client_secret"] == client_secret_;
  }
  if (!granted) {
    return ServerReply::json(400, R"({"error":"invalid_grant","error_description":"authentication failure"})");
  }
  ++token_grants_;
  return ServerReply::json(200, nlohmann::json{{"access_token", token_},
                                               {"instance_url", "http://127.0.0.1:" + std::to_string(server_->port())},
                                               {"token_type", "Bearer"}}
                                    .dump());
}

ServerReply SalesforceEmulator::handle(const ReceivedRequest& request) {
  if (request.method == "POST" && request.target == "/services/oauth2/token") return grant_token(request);
  if (request.header("authorization") != "Bearer " + token_) {
    return salesforce_error(401, "INVALID_SESSION_ID", "Session expired or invalid");
  }
  std::lock_guard lock(mutex_);
  if (quota_ && !quota_->admit()) {
    ++quota_refusals_;
    return salesforce_error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
  }
  if (fault_rate_ > 0 && std::uniform_real_distribution<double>(0, 1)(random_) < fault_rate_) {
    ++faults_;
    switch (random_() % 4) {
      case 0:
        return salesforce_error(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred (injected)");
      case 1:
        return salesforce_error(503, "SERVER_UNAVAILABLE", "Service unavailable (injected)");
      case 2:
        return ServerReply::hang();
      default:
        return ServerReply::drop();
    }
  }
  // /services/data/vNN.N/composite/sobjects[/{SObject}/{ExternalIdField}][?ids=...]
  const std::string prefix = "/services/data/v";
  const std::string collection = "/composite/sobjects";
  const auto at = request.target.find(collection);
  if (request.target.rfind(prefix, 0) != 0 || at == std::string::npos) {
    return salesforce_error(404, "NOT_FOUND", "The requested resource does not exist: " + request.target);
  }
  return collections(request, request.target.substr(at + collection.size()));
}

ServerReply SalesforceEmulator::collections(const ReceivedRequest& request, const std::string& rest) {
  if (request.method == "DELETE") {
    const auto query = rest.find("?ids=");
    if (query != 0) return salesforce_error(400, "MALFORMED_QUERY", "DELETE needs ?ids=");
    std::string ids_text = rest.substr(5);
    ids_text = ids_text.substr(0, ids_text.find('&'));
    const auto ids = split(ids_text, ',');
    if (ids.size() > 200) return salesforce_error(400, "EXCEEDED_ID_LIMIT", "more than 200 ids");
    nlohmann::json results = nlohmann::json::array();
    for (const auto& id : ids) {
      bool found = false;
      for (auto& [object, store] : objects_) found = store.erase(id) > 0 || found;
      results.push_back(found ? success(id, false) : failure("ENTITY_IS_DELETED", "entity is deleted"));
    }
    return ServerReply::json(200, results.dump());
  }
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("records") || !body["records"].is_array() || !body.contains("allOrNone")) {
    return salesforce_error(400, "JSON_PARSER_ERROR", "expected {\"allOrNone\": ..., \"records\": [...]}");
  }
  const auto& records = body["records"];
  if (records.size() > 200) {
    return salesforce_error(400, "EXCEEDED_ID_LIMIT", "record limit exceeded: " + std::to_string(records.size()) +
                                                          " records, at most 200");
  }
  std::string object;
  std::string external_id_field;
  if (!rest.empty()) {  // "/{SObject}/{ExternalIdField}"
    const auto parts = split(rest.substr(1), '/');
    if (parts.size() != 2 || request.method != "PATCH") {
      return salesforce_error(400, "INVALID_TYPE", "expected PATCH .../composite/sobjects/{SObject}/{ExternalIdField}");
    }
    object = parts[0];
    external_id_field = parts[1];
  } else if (request.method != "POST" && request.method != "PATCH") {
    return salesforce_error(405, "METHOD_NOT_ALLOWED", "HTTP method " + request.method + " not allowed");
  }
  for (const auto& record : records) {
    if (!record.is_object() || !record.contains("attributes") || !record["attributes"].contains("type")) {
      return salesforce_error(400, "INVALID_TYPE", "every record needs attributes.type");
    }
    if (!object.empty() && record["attributes"]["type"] != object) {
      return salesforce_error(400, "INVALID_TYPE", "record type does not match the URL's sObject " + object);
    }
  }
  nlohmann::json results = nlohmann::json::array();
  for (const auto& record : records) {
    const std::string type = record["attributes"]["type"].get<std::string>();
    auto& store = objects_[type];
    if (record.contains("Email") && record["Email"].is_string() &&
        record["Email"].get<std::string>().find('@') == std::string::npos) {
      results.push_back(failure("INVALID_EMAIL_ADDRESS", "Email: invalid email address: " +
                                                             record["Email"].get<std::string>()));
      continue;
    }
    SalesforceRecord* target = nullptr;
    bool created = false;
    if (!external_id_field.empty()) {
      if (!record.contains(external_id_field) || record[external_id_field].is_null()) {
        results.push_back(failure("MISSING_ARGUMENT", external_id_field + " not specified"));
        continue;
      }
      for (auto& [id, existing] : store) {
        if (existing.fields.value(external_id_field, nlohmann::json()) == record[external_id_field]) target = &existing;
      }
    } else if (request.method == "PATCH") {  // update by Id
      if (!record.contains("Id") || !record["Id"].is_string()) {
        results.push_back(failure("MISSING_ARGUMENT", "Id not specified in an update call"));
        continue;
      }
      auto it = store.find(record["Id"].get<std::string>());
      if (it == store.end()) {
        results.push_back(failure("ENTITY_IS_DELETED", "entity is deleted or does not exist"));
        continue;
      }
      target = &it->second;
    }
    if (target == nullptr) {
      const std::string number = std::to_string(next_id_++);
      const std::string id = "003" + std::string(15 - number.size(), '0') + number;  // 18 characters, like Salesforce's
      target = &store[id];
      target->id = id;
      created = true;
    }
    for (const auto& [name, value] : record.items()) {
      if (name == "attributes" || name == "Id") continue;
      if (value.is_null()) {
        target->fields.erase(name);
      } else {
        target->fields[name] = value;
      }
    }
    results.push_back(success(target->id, created));
  }
  return ServerReply::json(200, results.dump());
}

}  // namespace backflow::test
