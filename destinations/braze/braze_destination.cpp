#include "destinations/braze/braze_destination.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "destinations/destination_error.h"
#include "mappers/json_writer.h"
#include "destinations/http_message.h"
#include "destinations/vendor_error.h"

namespace backflow::destinations {

namespace {

std::string utc_now_iso8601() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

// Appends the record's fields (minus `skip`) to an object already opened in
// `body`; with `flatten`, the members of a `properties` object (a mapping
// written in Braze's event shape, `properties.amount: amount`) as well.
void append_fields(const nlohmann::json& fields, const std::string& skip, bool flatten, std::string& body) {
  if (!fields.is_object()) return;
  for (const auto& [name, value] : fields.items()) {
    if (name == skip) continue;
    if (flatten && name == "properties" && value.is_object()) {
      append_fields(value, {}, false, body);
      continue;
    }
    body += ',';
    mappers::write_json(name, body);
    body += ':';
    mappers::write_json(value, body);
  }
}

std::string braze_message(const HttpResponse& response) {
  return vendor_error_text(response, [](const nlohmann::json& body) -> std::string {
    if (!body.is_object()) return {};
    auto message = body.find("message");
    return message != body.end() && message->is_string() ? message->get<std::string>() : std::string();
  });
}

}  // namespace

BrazeDestination::BrazeDestination(DestinationSettings settings, BrazeOptions options)
    : settings_(std::move(settings)), options_(std::move(options)) {
  const std::string where = "destination '" + settings_.name + "' (braze): ";
  if (settings_.url.empty()) throw DestinationError(where + "base_url (the instance's REST endpoint) is required");
  if (settings_.secret.empty()) throw DestinationError(where + "api_key is required");
  if (options_.identify_by != "external_id" && options_.identify_by != "email") {
    throw DestinationError(where + "cannot identify users by '" + options_.identify_by +
                           "' (match_on field must be external_id or email)");
  }
  settings_.url = base_url(settings_.url);
}

BatchLimits BrazeDestination::batch_limits() const {
  std::size_t records = settings_.batch_size > 0 ? std::min(settings_.batch_size, kMaxObjectsPerRequest)
                                                 : kMaxObjectsPerRequest;
  return BatchLimits{records, settings_.max_bytes > 0 ? settings_.max_bytes : kDefaultMaxBytes};
}

std::vector<SyncMode> BrazeDestination::supported_modes() const {
  return {SyncMode::upsert, SyncMode::update, SyncMode::append};
}

std::string BrazeDestination::record_identity() const {
  return "the Braze user's " + options_.identify_by + " (the record's field of that name, else its primary key)";
}

RateLimit BrazeDestination::default_rate_limit() const {
  return RateLimit{3000, std::chrono::milliseconds(3000)};
}

RateLimitHeaderNames BrazeDestination::rate_limit_headers() const {
  return RateLimitHeaderNames{{"x-ratelimit-remaining"}, {"x-ratelimit-reset"}};
}

std::vector<std::string> BrazeDestination::secrets() const { return {settings_.secret}; }

HttpRequest BrazeDestination::build_request(const BatchContext& context, RecordBatch batch) const {
  const bool events = context.mode == SyncMode::append;
  if (events && options_.event_name.empty()) {
    throw DestinationError("sync '" + context.sync + "' (braze): append mode needs destination.event_name");
  }
  HttpRequest request;
  request.method = "POST";
  request.url = settings_.url + "/users/track";
  std::string& body = request.body;
  body.reserve(batch.size() * 160 + 64);
  body += events ? "{\"events\":[" : "{\"attributes\":[";
  const std::string time = events ? utc_now_iso8601() : std::string();
  bool first = true;
  for (const DeliveryRecord* sent : batch) {
    const DeliveryRecord& record = *sent;
    if (record.op == Operation::Delete) continue;  // parse_response rejects it
    if (!first) body += ',';
    first = false;
    body += '{';
    mappers::write_json(options_.identify_by, body);
    body += ':';
    mappers::write_json(record_identifier(record, options_.identify_by), body);
    if (events) {
      body += ",\"name\":";
      mappers::write_json(options_.event_name, body);
      body += ",\"time\":";
      mappers::write_json(time, body);
      body += ",\"properties\":{";
      std::string properties;
      append_fields(record.fields, options_.identify_by, true, properties);
      if (!properties.empty()) body.append(properties, 1);  // drop the leading comma
      body += '}';
    } else {
      body += context.mode == SyncMode::update ? ",\"_update_existing_only\":true"
                                               : ",\"_update_existing_only\":false";
      append_fields(record.fields, options_.identify_by, false, body);
    }
    body += '}';
  }
  body += "]}";
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Authorization", "Bearer " + settings_.secret);
  for (const auto& header : settings_.headers) request.headers.push_back(header);
  return request;
}

BatchVerdict BrazeDestination::parse_response(const HttpResponse& response, RecordBatch batch) const {
  if (response.status < 200 || response.status >= 300) {
    return BatchVerdict::whole_batch_rejected(braze_message(response));
  }
  BatchVerdict verdict = BatchVerdict::all(batch.size(), RecordVerdictKind::Accepted);
  std::vector<std::size_t> sent;  // batch index of each object in the request, in order
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i]->op == Operation::Delete) {
      verdict.records[i] = {RecordVerdictKind::Rejected, "the braze destination does not delete users", {}};
    } else {
      sent.push_back(i);
    }
  }
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) return verdict;
  auto errors = body.find("errors");
  if (errors == body.end() || !errors->is_array()) return verdict;
  for (const auto& error : *errors) {
    if (!error.is_object()) continue;
    auto index = error.find("index");
    if (index == error.end() || !index->is_number_integer()) continue;
    auto position = index->get<std::int64_t>();
    if (position < 0 || static_cast<std::size_t>(position) >= sent.size()) continue;
    RecordVerdict& record = verdict.records[sent[static_cast<std::size_t>(position)]];
    record.kind = RecordVerdictKind::Rejected;
    auto type = error.find("type");
    record.message = "Braze: " + (type != error.end() && type->is_string() ? type->get<std::string>()
                                                                          : error.dump());
  }
  return verdict;
}

}  // namespace backflow::destinations
