#include "destinations/salesforce/salesforce_destination.h"

#include "destinations/destination_error.h"
#include "destinations/vendor_error.h"
#include "mappers/json_writer.h"

namespace backflow::destinations {

namespace {

std::string trim_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// "STATUS_CODE: message (fields: A, B)" for one entry of a result's errors.
std::string describe_error(const nlohmann::json& error) {
  std::string text = error.value("statusCode", error.value("errorCode", std::string("ERROR")));
  text += ": " + error.value("message", std::string("rejected by Salesforce"));
  if (auto fields = error.find("fields"); fields != error.end() && fields->is_array() && !fields->empty()) {
    text += " (fields:";
    for (const auto& field : *fields) text += " " + (field.is_string() ? field.get<std::string>() : field.dump());
    text += ")";
  }
  return text;
}

std::string salesforce_failure(const HttpResponse& response) {
  // Salesforce answers a refused request with an array of {errorCode, message}.
  return vendor_error_text(
      response,
      [](const nlohmann::json& body) {
        return body.is_array() && !body.empty() && body.front().is_object() ? describe_error(body.front())
                                                                            : std::string();
      },
      "Salesforce answered ");
}

// Names no record (a well-formed 18-character id): stands in for a delete
// whose Salesforce id is unknown, so the results stay one per record.
constexpr const char* kUnknownId = "000000000000000AAA";

}  // namespace

bool is_salesforce_quota_error(const HttpResponse& response) {
  return response.status == 403 && response.body.find("REQUEST_LIMIT_EXCEEDED") != std::string::npos;
}

SalesforceDestination::SalesforceDestination(SalesforceOptions options) : options_(std::move(options)) {
  const std::string where = "destination '" + options_.settings.name + "' (salesforce): ";
  if (options_.settings.url.empty()) throw DestinationError(where + "instance_url is required");
  if (options_.settings.secret.empty()) throw DestinationError(where + "an access token is required");
  if (options_.object.empty()) throw DestinationError(where + "the sync must name an object (Contact, Account, ...)");
  options_.settings.url = trim_trailing_slash(options_.settings.url);
}

BatchLimits SalesforceDestination::batch_limits() const {
  const auto& settings = options_.settings;
  return BatchLimits{settings.batch_size > 0 ? std::min(settings.batch_size, kMaxBatch) : kMaxBatch,
                     settings.max_bytes > 0 ? settings.max_bytes : 6 * 1024 * 1024};
}

std::vector<SyncMode> SalesforceDestination::supported_modes() const {
  return {SyncMode::upsert, SyncMode::update, SyncMode::insert, SyncMode::mirror};
}

std::string SalesforceDestination::record_identity() const {
  if (options_.external_id_field.empty()) return "the Salesforce record id";
  return "the external id field `" + options_.external_id_field + "` of " + options_.object;
}

std::vector<std::string> SalesforceDestination::secrets() const { return {options_.settings.secret}; }

bool SalesforceDestination::signals_rate_limit(const HttpResponse& response) const {
  return is_salesforce_quota_error(response);
}

std::string SalesforceDestination::collections_url() const {
  return options_.settings.url + "/services/data/" + options_.api_version + "/composite/sobjects";
}

nlohmann::json SalesforceDestination::record_body(const DeliveryRecord& record, bool with_id) const {
  nlohmann::json body{{"attributes", {{"type", options_.object}}}};
  if (record.fields.is_object()) {
    for (const auto& [name, value] : record.fields.items()) body[name] = value;
  }
  if (with_id) body["Id"] = record.destination_id;
  return body;
}

HttpRequest SalesforceDestination::build_request(const BatchContext& context, RecordBatch batch) const {
  HttpRequest request;
  request.headers.emplace_back("Authorization", "Bearer " + options_.settings.secret);
  for (const auto& header : options_.settings.headers) request.headers.push_back(header);
  if (batch.front()->op == Operation::Delete) {
    request.method = "DELETE";
    std::string ids;
    for (const DeliveryRecord* record : batch) {
      if (!ids.empty()) ids += ',';
      ids += record->destination_id.empty() ? kUnknownId : record->destination_id;
    }
    request.url = collections_url() + "?ids=" + ids + "&allOrNone=false";
    return request;
  }
  const bool upsert = context.mode == SyncMode::upsert || context.mode == SyncMode::mirror;
  if (upsert && options_.external_id_field.empty()) {
    throw DestinationError("destination '" + options_.settings.name +
                           "' (salesforce): upsert needs external_id_field (or match_on) naming an external id field of " +
                           options_.object);
  }
  nlohmann::json records = nlohmann::json::array();
  for (const DeliveryRecord* record : batch) records.push_back(record_body(*record, context.mode == SyncMode::update));
  // write_json, not dump(): exact decimals go out as numbers, digit for digit.
  mappers::write_json(nlohmann::json{{"allOrNone", false}, {"records", std::move(records)}}, request.body);
  request.headers.emplace_back("Content-Type", "application/json");
  if (context.mode == SyncMode::insert) {
    request.method = "POST";
    request.url = collections_url();
  } else if (context.mode == SyncMode::update) {
    request.method = "PATCH";
    request.url = collections_url();
  } else {
    request.method = "PATCH";
    request.url = collections_url() + "/" + options_.object + "/" + options_.external_id_field;
  }
  return request;
}

BatchVerdict SalesforceDestination::parse_response(const HttpResponse& response, RecordBatch batch) const {
  if (response.status < 200 || response.status >= 300) {
    return BatchVerdict::whole_batch_rejected(salesforce_failure(response));
  }
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_array() || body.size() != batch.size()) {
    return BatchVerdict::whole_batch_rejected("Salesforce answered HTTP " + std::to_string(response.status) +
                                              " without one result per record: " + body_excerpt(response.body));
  }
  BatchVerdict verdict = BatchVerdict::all(batch.size(), RecordVerdictKind::Accepted);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& result = body[i];
    RecordVerdict& record = verdict.records[i];
    const bool deleting = batch[i]->op == Operation::Delete;
    if (deleting && batch[i]->destination_id.empty()) {
      record.kind = RecordVerdictKind::Rejected;
      record.message = "no Salesforce id is known for key " + batch[i]->key +
                       ": deletes need the id Salesforce returned when the record was written";
      continue;
    }
    if (result.is_object() && result.value("success", false)) {
      if (result.contains("id") && result["id"].is_string()) record.destination_id = result["id"].get<std::string>();
      continue;
    }
    std::string message;
    if (result.is_object() && result.contains("errors") && result["errors"].is_array()) {
      for (const auto& error : result["errors"]) {
        if (!message.empty()) message += "; ";
        message += describe_error(error);
      }
    }
    if (deleting && message.find("ENTITY_IS_DELETED") != std::string::npos) continue;  // already gone
    record.kind = message.find("UNABLE_TO_LOCK_ROW") != std::string::npos ? RecordVerdictKind::Retryable
                                                                           : RecordVerdictKind::Rejected;
    record.message = message.empty() ? "rejected by Salesforce without an explanation" : message;
  }
  return verdict;
}

}  // namespace backflow::destinations
