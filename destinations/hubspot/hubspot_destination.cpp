#include "destinations/hubspot/hubspot_destination.h"

#include <map>

#include "destinations/destination_error.h"
#include "mappers/exact_number.h"
#include "mappers/json_writer.h"
#include "destinations/http_message.h"
#include "destinations/vendor_error.h"

namespace backflow::destinations {

namespace {

// The error's explanation: message, plus its category when present.
std::string error_message(const nlohmann::json& error) {
  // A message that is not a string (a broken proxy, a changed API) is not
  // an explanation; json::value would throw on it.
  auto found = error.find("message");
  std::string message = found != error.end() && found->is_string() ? found->get<std::string>()
                                                                    : std::string("rejected by HubSpot");
  if (error.contains("category") && error["category"].is_string()) {
    message = error["category"].get<std::string>() + ": " + message;
  }
  return message;
}

// The records a 207 error names: by objectWriteTraceId (our batch index), or
// by the identifiers in its context ("ids" holds object ids or idProperty values).
std::vector<std::size_t> records_named_by(const nlohmann::json& error,
                                          const std::map<std::string, std::size_t>& by_identifier,
                                          std::size_t batch_size) {
  std::vector<std::size_t> named;
  auto context = error.find("context");
  if (context == error.end() || !context->is_object()) return named;
  if (auto traces = context->find("objectWriteTraceId"); traces != context->end() && traces->is_array()) {
    for (const auto& trace : *traces) {
      if (!trace.is_string()) continue;
      try {
        std::size_t index = std::stoul(trace.get<std::string>());
        if (index < batch_size) named.push_back(index);
      } catch (const std::exception&) {
      }
    }
    if (!named.empty()) return named;
  }
  for (const auto& [name, values] : context->items()) {
    if (!values.is_array()) continue;
    for (const auto& value : values) {
      if (!value.is_string()) continue;
      auto it = by_identifier.find(value.get<std::string>());
      if (it != by_identifier.end()) named.push_back(it->second);
    }
  }
  return named;
}

std::string hubspot_failure(const HttpResponse& response) {
  return vendor_error_text(
      response,
      [](const nlohmann::json& body) -> std::string {
        if (body.is_object() && body.contains("message") && body["message"].is_string()) return error_message(body);
        return {};
      },
      "HubSpot answered ");
}

}  // namespace

std::string hubspot_property_value(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (auto exact = mappers::exact_number_text(value)) return std::string(*exact);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string joined;
    for (const auto& item : value) {
      if (!joined.empty()) joined += ';';
      joined += hubspot_property_value(item);
    }
    return joined;
  }
  std::string text;
  mappers::write_json(value, text);
  return text;
}

HubSpotDestination::HubSpotDestination(HubSpotOptions options) : options_(std::move(options)) {
  const std::string& name = options_.settings.name;
  if (options_.settings.secret.empty()) {
    throw DestinationError("destination '" + name + "' (hubspot): token is required (a private app access token)");
  }
  if (options_.object.empty()) {
    throw DestinationError("destination '" + name + "' (hubspot): the sync must name an object (contacts, companies, "
                           "deals or a custom object)");
  }
  options_.settings.url = base_url(options_.settings.url, kDefaultBaseUrl);
}

BatchLimits HubSpotDestination::batch_limits() const {
  const auto& settings = options_.settings;
  return BatchLimits{settings.batch_size > 0 ? std::min(settings.batch_size, kMaxBatch) : kMaxBatch,
                     settings.max_bytes > 0 ? settings.max_bytes : 3 * 1024 * 1024};
}

std::vector<SyncMode> HubSpotDestination::supported_modes() const {
  return {SyncMode::upsert, SyncMode::update, SyncMode::insert, SyncMode::mirror};
}

std::string HubSpotDestination::record_identity() const {
  if (options_.id_property.empty()) return "the HubSpot object id";
  return "the unique property `" + options_.id_property + "` (sent as idProperty)";
}

RateLimit HubSpotDestination::default_rate_limit() const { return RateLimit{100, std::chrono::seconds(10)}; }

RateLimitHeaderNames HubSpotDestination::rate_limit_headers() const {
  // X-HubSpot-RateLimit-Interval-Milliseconds is the window length, not a
  // reset time: with no reset header the engine waits a second once the
  // remaining budget is zero, and 429s back off through the limiter.
  return RateLimitHeaderNames{{"x-hubspot-ratelimit-remaining"}, {}};
}

std::vector<std::string> HubSpotDestination::secrets() const { return {options_.settings.secret}; }

std::string HubSpotDestination::endpoint(const std::string& operation) const {
  return options_.settings.url + "/crm/v3/objects/" + options_.object + "/batch/" + operation;
}

std::string HubSpotDestination::operation_for(SyncMode mode, const DeliveryRecord& first) const {
  if (first.op == Operation::Delete) return "archive";
  switch (mode) {
    case SyncMode::insert:
      return "create";
    case SyncMode::update:
      return "update";
    default:
      return "upsert";
  }
}

HttpRequest HubSpotDestination::build_request(const BatchContext& context, RecordBatch batch) const {
  const std::string operation = operation_for(context.mode, *batch.front());
  nlohmann::json inputs = nlohmann::json::array();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const DeliveryRecord& record = *batch[i];
    nlohmann::json input = nlohmann::json::object();
    if (operation == "archive") {
      input["id"] = record.destination_id;
      inputs.push_back(std::move(input));
      continue;
    }
    nlohmann::json properties = nlohmann::json::object();
    if (record.fields.is_object()) {
      for (const auto& [name, value] : record.fields.items()) properties[name] = hubspot_property_value(value);
    }
    input["objectWriteTraceId"] = std::to_string(i);
    if (operation == "create") {
      input["associations"] = nlohmann::json::array();
    } else if (operation == "update" && options_.id_property.empty()) {
      input["id"] = record.destination_id;
    } else {
      input["idProperty"] = options_.id_property;
      input["id"] = identifier(record);
    }
    input["properties"] = std::move(properties);
    inputs.push_back(std::move(input));
  }
  HttpRequest request;
  request.method = "POST";
  request.url = endpoint(operation);
  request.body = nlohmann::json{{"inputs", std::move(inputs)}}.dump();
  request.headers.emplace_back("Authorization", "Bearer " + options_.settings.secret);
  request.headers.emplace_back("Content-Type", "application/json");
  for (const auto& header : options_.settings.headers) request.headers.push_back(header);
  return request;
}

std::string HubSpotDestination::identifier(const DeliveryRecord& record) const {
  if (record.fields.is_object()) {
    auto it = record.fields.find(options_.id_property);
    if (it != record.fields.end() && !it->is_null()) return hubspot_property_value(*it);
  }
  if (record.key_json.is_object() && record.key_json.size() == 1) {
    return hubspot_property_value(record.key_json.begin().value());
  }
  return record.key;
}

BatchVerdict HubSpotDestination::parse_response(const HttpResponse& response, RecordBatch batch) const {
  if (response.status < 200 || response.status >= 300) {
    return BatchVerdict::whole_batch_rejected(hubspot_failure(response));
  }
  const bool archive = batch.front()->op == Operation::Delete;
  BatchVerdict verdict = BatchVerdict::all(batch.size(), RecordVerdictKind::Accepted);
  if (archive) {
    // 204, no body: every id archived (unknown ids included). A record with no
    // known object id could not be named, so it stays in HubSpot.
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!batch[i]->destination_id.empty()) continue;
      verdict.records[i].kind = RecordVerdictKind::Rejected;
      verdict.records[i].message = "no HubSpot object id is known for key " + batch[i]->key +
                                   ": batch/archive needs the id HubSpot returned when the record was written";
    }
    return verdict;
  }

  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) return verdict;

  std::map<std::string, std::size_t> by_identifier;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!options_.id_property.empty()) by_identifier.emplace(identifier(*batch[i]), i);
    if (!batch[i]->destination_id.empty()) by_identifier.emplace(batch[i]->destination_id, i);
  }
  if (auto results = body.find("results"); results != body.end() && results->is_array()) {
    for (const auto& result : *results) {
      if (!result.is_object() || !result.contains("id") || !result["id"].is_string()) continue;
      std::optional<std::size_t> index;
      if (auto trace = result.find("objectWriteTraceId"); trace != result.end() && trace->is_string()) {
        try {
          index = std::stoul(trace->get<std::string>());
        } catch (const std::exception&) {
        }
      }
      if (!index && !options_.id_property.empty()) {
        auto properties = result.find("properties");
        if (properties != result.end() && properties->is_object() && properties->contains(options_.id_property)) {
          auto it = by_identifier.find(hubspot_property_value((*properties)[options_.id_property]));
          if (it != by_identifier.end()) index = it->second;
        }
      }
      if (index && *index < batch.size()) verdict.records[*index].destination_id = result["id"].get<std::string>();
    }
  }
  if (auto errors = body.find("errors"); errors != body.end() && errors->is_array()) {
    std::string unmatched;
    for (const auto& error : *errors) {
      if (!error.is_object()) continue;
      auto named = records_named_by(error, by_identifier, batch.size());
      if (named.empty() && unmatched.empty()) unmatched = error_message(error);
      for (std::size_t index : named) {
        verdict.records[index].kind = RecordVerdictKind::Rejected;
        verdict.records[index].message = error_message(error);
      }
    }
    // An error that names no record: the records HubSpot returned no result for carry it.
    if (!unmatched.empty()) {
      for (auto& record : verdict.records) {
        if (record.kind == RecordVerdictKind::Accepted && record.destination_id.empty()) {
          record.kind = RecordVerdictKind::Rejected;
          record.message = unmatched;
        }
      }
    }
  }
  return verdict;
}

}  // namespace backflow::destinations
