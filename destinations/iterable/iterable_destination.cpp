#include "destinations/iterable/iterable_destination.h"

#include <algorithm>
#include <unordered_map>

#include "destinations/destination_error.h"
#include "mappers/json_writer.h"
#include "destinations/http_message.h"
#include "destinations/vendor_error.h"

namespace backflow::destinations {

namespace {

constexpr const char* kDefaultUrl = "https://api.iterable.com";

std::string iterable_message(const HttpResponse& response) {
  return vendor_error_text(response, [](const nlohmann::json& body) -> std::string {
    if (!body.is_object()) return {};
    auto message = body.find("msg");
    if (message == body.end() || !message->is_string()) return {};
    std::string code;
    if (auto it = body.find("code"); it != body.end() && it->is_string()) code = it->get<std::string>() + ": ";
    return code + message->get<std::string>();
  });
}

// Identifiers named in `lists` (an object of arrays of strings), each with the
// name of the first list that named it.
void collect_failures(const nlohmann::json& lists, std::unordered_map<std::string, std::string>& failures) {
  if (!lists.is_object()) return;
  for (const auto& [list, names] : lists.items()) {
    if (!names.is_array()) continue;
    for (const auto& name : names) {
      if (name.is_string()) failures.emplace(name.get<std::string>(), list);
    }
  }
}

// A mapping may write Iterable's shape (`dataFields.plan: plan`) or plain
// fields (`plan: plan`): both land in dataFields. The identifiers stay at the
// top of the user or event object only.
nlohmann::json data_fields(const nlohmann::json& fields) {
  nlohmann::json data = nlohmann::json::object();
  if (!fields.is_object()) return data;
  for (const auto& [name, value] : fields.items()) {
    if (name == "email" || name == "userId") continue;
    if (name == "dataFields" && value.is_object()) {
      data.update(value);
    } else {
      data[name] = value;
    }
  }
  return data;
}

}  // namespace

IterableDestination::IterableDestination(DestinationSettings settings, IterableOptions options)
    : settings_(std::move(settings)), options_(std::move(options)) {
  const std::string where = "destination '" + settings_.name + "' (iterable): ";
  if (settings_.secret.empty()) throw DestinationError(where + "api_key is required");
  if (options_.identify_by != "email" && options_.identify_by != "userId") {
    throw DestinationError(where + "cannot identify users by '" + options_.identify_by +
                           "' (match_on field must be email or userId)");
  }
  settings_.url = base_url(settings_.url, kDefaultUrl);
}

BatchLimits IterableDestination::batch_limits() const {
  return BatchLimits{settings_.batch_size > 0 ? settings_.batch_size : kDefaultBatchSize,
                     settings_.max_bytes > 0 ? std::min(settings_.max_bytes, kMaxBodyBytes) : kMaxBodyBytes - 4096};
}

std::vector<SyncMode> IterableDestination::supported_modes() const { return {SyncMode::upsert, SyncMode::append}; }

std::string IterableDestination::record_identity() const {
  return "the Iterable user's " + options_.identify_by + " (the record's field of that name, else its primary key)";
}

RateLimit IterableDestination::default_rate_limit() const { return RateLimit{5, std::chrono::milliseconds(1000)}; }

std::vector<std::string> IterableDestination::secrets() const { return {settings_.secret}; }

std::string IterableDestination::identifier(const DeliveryRecord& record) const {
  return record_identifier(record, options_.identify_by);
}

HttpRequest IterableDestination::build_request(const BatchContext& context, RecordBatch batch) const {
  const bool events = context.mode == SyncMode::append;
  if (events && options_.event_name.empty()) {
    throw DestinationError("sync '" + context.sync + "' (iterable): append mode needs destination.event_name");
  }
  HttpRequest request;
  request.method = "POST";
  request.url = settings_.url + (events ? "/api/events/trackBulk" : "/api/users/bulkUpdate");
  std::string& body = request.body;
  body.reserve(batch.size() * 160 + 64);
  body += events ? "{\"events\":[" : "{\"users\":[";
  bool first = true;
  for (const DeliveryRecord* sent : batch) {
    const DeliveryRecord& record = *sent;
    if (record.op == Operation::Delete) continue;  // parse_response rejects it
    if (!first) body += ',';
    first = false;
    body += '{';
    mappers::write_json(options_.identify_by, body);
    body += ':';
    mappers::write_json(identifier(record), body);
    if (events) {
      body += ",\"eventName\":";
      mappers::write_json(options_.event_name, body);
      // The same record of the same run keeps its event id, so a retried
      // request overwrites the event instead of tracking it twice.
      body += ",\"id\":";
      mappers::write_json(context.run_id + "." + record.key, body);
    } else if (options_.identify_by == "userId") {
      body += ",\"preferUserId\":true";
    }
    body += ",\"dataFields\":";
    mappers::write_json(data_fields(record.fields), body);
    body += '}';
  }
  body += "]}";
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Api-Key", settings_.secret);
  for (const auto& header : settings_.headers) request.headers.push_back(header);
  return request;
}

BatchVerdict IterableDestination::parse_response(const HttpResponse& response, RecordBatch batch) const {
  if (response.status < 200 || response.status >= 300) {
    return BatchVerdict::whole_batch_rejected(iterable_message(response));
  }
  BatchVerdict verdict = BatchVerdict::all(batch.size(), RecordVerdictKind::Accepted);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i]->op == Operation::Delete) {
      verdict.records[i] = {RecordVerdictKind::Rejected, "the iterable destination does not delete users", {}};
    }
  }
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) return verdict;
  std::unordered_map<std::string, std::string> failures;
  if (auto it = body.find("failedUpdates"); it != body.end()) collect_failures(*it, failures);
  nlohmann::json top_level = nlohmann::json::object();
  for (const char* list : {"invalidEmails", "invalidUserIds"}) {
    if (auto it = body.find(list); it != body.end()) top_level[list] = *it;
  }
  collect_failures(top_level, failures);
  if (failures.empty()) return verdict;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i]->op == Operation::Delete) continue;
    auto failure = failures.find(identifier(*batch[i]));
    if (failure == failures.end()) continue;
    verdict.records[i].kind = RecordVerdictKind::Rejected;
    verdict.records[i].message = "Iterable: " + options_.identify_by + " listed in " + failure->second;
  }
  return verdict;
}

}  // namespace backflow::destinations
