#include "tests/support/emulators/salesforce_emulator.h"

#include <sstream>

#include "destinations/salesforce/csv.h"
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
  if (const auto jobs = request.target.find("/jobs/ingest"); jobs != std::string::npos) {
    return bulk(request, request.target.substr(jobs + 12));
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

SalesforceRecord* SalesforceEmulator::find_by_field(const std::string& object, const std::string& field,
                                                    const nlohmann::json& value) {
  auto& index = index_[object];
  auto it = index.find(field + '\x1f' + value.dump());
  return it == index.end() ? nullptr : &objects_[object].at(it->second);
}

void SalesforceEmulator::assign(const std::string& object, SalesforceRecord& record, const std::string& field,
                                const nlohmann::json& value) {
  auto& index = index_[object];
  if (auto old = record.fields.find(field); old != record.fields.end()) index.erase(field + '\x1f' + old->dump());
  if (value.is_null()) {
    record.fields.erase(field);
    return;
  }
  record.fields[field] = value;
  index[field + '\x1f' + value.dump()] = record.id;
}

void SalesforceEmulator::set_bulk_behaviour(std::size_t polls, std::optional<std::size_t> process_at_most) {
  std::lock_guard lock(mutex_);
  bulk_polls_setting_ = polls;
  bulk_process_at_most_ = process_at_most;
}

std::size_t SalesforceEmulator::bulk_jobs_created() const {
  std::lock_guard lock(mutex_);
  return bulk_jobs_created_;
}

std::vector<std::string> SalesforceEmulator::bulk_upload_bodies() const {
  std::lock_guard lock(mutex_);
  return upload_bodies_;
}

std::size_t SalesforceEmulator::bulk_uploads() const {
  std::lock_guard lock(mutex_);
  return bulk_uploads_;
}

std::size_t SalesforceEmulator::bulk_polls() const {
  std::lock_guard lock(mutex_);
  return bulk_polls_;
}

// Called with the mutex held. `rest` follows /jobs/ingest.
ServerReply SalesforceEmulator::bulk(const ReceivedRequest& request, const std::string& rest) {
  auto csv_line = [](const std::vector<std::string>& fields) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i != 0) line += ',';
      line += '"';
      for (char c : fields[i]) line += c == '"' ? std::string("\"\"") : std::string(1, c);
      line += '"';
    }
    return line + "\n";
  };
  if (rest.empty() && request.method == "POST") {
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || body.value("operation", "") != "upsert" || body.value("contentType", "") != "CSV" ||
        !body.contains("object") || !body.contains("externalIdFieldName")) {
      return salesforce_error(400, "INVALIDJOB", "expected an upsert CSV job with object and externalIdFieldName");
    }
    const std::string id = "750" + std::string(12, '0') + std::to_string(100 + ++bulk_jobs_created_);
    BulkJob& job = jobs_[id];
    job.object = body["object"];
    job.external_id_field = body["externalIdFieldName"];
    return ServerReply::json(200, nlohmann::json{{"id", id}, {"state", "Open"}, {"object", job.object}}.dump());
  }
  const auto parts = split(rest.substr(1), '/');
  auto it = jobs_.find(parts.empty() ? "" : parts[0]);
  if (it == jobs_.end()) return salesforce_error(404, "NOT_FOUND", "no such job");
  BulkJob& job = it->second;
  if (parts.size() == 2 && parts[1] == "batches" && request.method == "PUT") {
    if (job.state != "Open") return salesforce_error(400, "INVALIDJOBSTATE", "job is " + job.state);
    if (request.header("content-type") != "text/csv") return salesforce_error(400, "INVALID_CONTENT_TYPE", "text/csv");
    ++bulk_uploads_;
    upload_bodies_.push_back(request.body);
    job.csv += request.body;
    return ServerReply::json(201, "");
  }
  if (parts.size() == 1 && request.method == "PATCH") {
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    const std::string state = body.is_object() ? body.value("state", "") : "";
    if (state == "Aborted") {
      job.state = "Aborted";
      return ServerReply::json(200, nlohmann::json{{"id", it->first}, {"state", job.state}}.dump());
    }
    if (state != "UploadComplete" || job.state != "Open") {
      return salesforce_error(400, "INVALIDJOBSTATE", "cannot move a " + job.state + " job to " + state);
    }
    job.state = "UploadComplete";
    job.polls_left = bulk_polls_setting_;
    // Process now; results become visible when the job completes.
    auto rows = backflow::destinations::parse_csv(job.csv);
    if (rows.empty()) return salesforce_error(400, "INVALIDJOB", "no data uploaded");
    const auto header = rows.front();
    std::vector<std::string> success_header{"sf__Id", "sf__Created"}, failed_header{"sf__Id", "sf__Error"};
    for (const auto& column : header) {
      success_header.push_back(column);
      failed_header.push_back(column);
    }
    job.successful = csv_line(success_header);
    job.failed = csv_line(failed_header);
    job.unprocessed = csv_line(header);
    auto& store = objects_[job.object];
    for (std::size_t r = 1; r < rows.size(); ++r) {
      const auto& row = rows[r];
      if (bulk_process_at_most_ && r > *bulk_process_at_most_) {
        job.unprocessed += csv_line(row);
        continue;
      }
      nlohmann::json fields = nlohmann::json::object();
      std::string external;
      for (std::size_t c = 0; c < header.size() && c < row.size(); ++c) {
        if (header[c] == job.external_id_field) external = row[c];
        if (row[c].empty()) continue;  // empty: leave the field as it is
        fields[header[c]] = row[c];   // Bulk API values arrive as text
      }
      std::vector<std::string> echoed = row;
      if (fields.contains("Email") && fields["Email"].get<std::string>().find('@') == std::string::npos) {
        echoed.insert(echoed.begin(), {"", "INVALID_EMAIL_ADDRESS:Email: invalid email address:--"});
        job.failed += csv_line(echoed);
        continue;
      }
      SalesforceRecord* target = find_by_field(job.object, job.external_id_field, external);
      const bool created = target == nullptr;
      if (created) {
        const std::string number = std::to_string(next_id_++);
        const std::string id = "003" + std::string(15 - number.size(), '0') + number;
        target = &store[id];
        target->id = id;
      }
      for (const auto& [name, value] : fields.items()) {
        assign(job.object, *target, name, value == "#N/A" ? nlohmann::json() : value);
      }
      echoed.insert(echoed.begin(), {target->id, created ? "true" : "false"});
      job.successful += csv_line(echoed);
    }
    return ServerReply::json(200, nlohmann::json{{"id", it->first}, {"state", job.state}}.dump());
  }
  if (request.method == "GET" && parts.size() == 1) {
    ++bulk_polls_;
    if (job.state == "UploadComplete" || job.state == "InProgress") {
      if (job.polls_left > 0) {
        --job.polls_left;
        job.state = "InProgress";
      } else {
        job.state = bulk_process_at_most_ ? "Failed" : "JobComplete";
      }
    }
    return ServerReply::json(200, nlohmann::json{{"id", it->first}, {"state", job.state}}.dump());
  }
  if (request.method == "GET" && parts.size() == 2) {
    ServerReply reply;
    reply.status = 200;
    reply.headers = {{"Content-Type", "text/csv"}};
    if (parts[1] == "successfulResults") reply.body = job.successful;
    else if (parts[1] == "failedResults") reply.body = job.failed;
    else if (parts[1] == "unprocessedrecords") reply.body = job.unprocessed;
    else return salesforce_error(404, "NOT_FOUND", "no such result " + parts[1]);
    return reply;
  }
  return salesforce_error(400, "INVALID_REQUEST", request.method + " " + rest);
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
      for (auto& [object, store] : objects_) {
        auto it = store.find(id);
        if (it == store.end()) continue;
        for (const auto& [name, value] : it->second.fields.items()) index_[object].erase(name + '\x1f' + value.dump());
        store.erase(it);
        found = true;
      }
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
      target = find_by_field(type, external_id_field, record[external_id_field]);
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
      assign(type, *target, name, value);
    }
    results.push_back(success(target->id, created));
  }
  return ServerReply::json(200, results.dump());
}

}  // namespace backflow::test
