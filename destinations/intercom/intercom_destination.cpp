#include "destinations/intercom/intercom_destination.h"

#include <cctype>
#include <optional>
#include <set>

#include "destinations/destination_error.h"
#include "mappers/json_writer.h"
#include "common/text.h"
#include "destinations/http_message.h"
#include "destinations/vendor_error.h"

namespace backflow::destinations {

namespace {

constexpr const char* kDefaultUrl = "https://api.intercom.io";

// Contact attributes Intercom stores as its own fields; anything else goes
// under custom_attributes (which must exist in the workspace).
const std::set<std::string>& standard_fields() {
  static const std::set<std::string> fields = {"role",      "external_id",  "email",    "phone",
                                               "name",      "avatar",       "owner_id", "signed_up_at",
                                               "last_seen_at", "unsubscribed_from_emails"};
  return fields;
}

std::string intercom_message(const HttpResponse& response) {
  return vendor_error_text(response, [](const nlohmann::json& body) -> std::string {
    if (!body.is_object()) return {};
    auto errors = body.find("errors");
    if (errors == body.end() || !errors->is_array() || errors->empty() || !(*errors)[0].is_object()) return {};
    const auto& first = (*errors)[0];
    std::string code = first.value("code", std::string());
    std::string message = first.value("message", std::string());
    return code + (code.empty() || message.empty() ? "" : ": ") + message;
  });
}

// The Intercom id in a lookup answer: a contact, or the first of a search's list.
std::string found_id(const nlohmann::json& body) {
  if (!body.is_object()) return {};
  if (body.value("type", std::string()) == "list") {
    auto data = body.find("data");
    if (data == body.end() || !data->is_array() || data->empty() || !(*data)[0].is_object()) return {};
    return (*data)[0].value("id", std::string());
  }
  return body.value("id", std::string());
}

RecordVerdict verdict(RecordVerdictKind kind, std::string message, std::string id = {}) {
  return RecordVerdict{kind, std::move(message), std::move(id)};
}

}  // namespace

IntercomDestination::IntercomDestination(DestinationSettings settings, IntercomOptions options)
    : settings_(std::move(settings)), options_(std::move(options)) {
  const std::string where = "destination '" + settings_.name + "' (intercom): ";
  if (settings_.secret.empty()) throw DestinationError(where + "token is required");
  if (options_.identify_by != "external_id" && options_.identify_by != "email") {
    throw DestinationError(where + "cannot identify contacts by '" + options_.identify_by +
                           "' (match_on field must be external_id or email)");
  }
  if (options_.object != "contacts") {
    throw DestinationError(where + "object '" + options_.object + "' is not supported yet (only contacts)");
  }
  settings_.url = base_url(settings_.url, kDefaultUrl);
}

std::vector<SyncMode> IntercomDestination::supported_modes() const {
  return {SyncMode::upsert, SyncMode::update, SyncMode::mirror};
}

std::string IntercomDestination::record_identity() const {
  return "the contact's " + options_.identify_by + " (the record's field of that name, else its primary key)";
}

RateLimit IntercomDestination::default_rate_limit() const {
  return RateLimit{1666, std::chrono::milliseconds(10000)};
}

std::string IntercomDestination::identifier(const DeliveryRecord& record) const {
  return record_identifier(record, options_.identify_by);
}

HttpRequest IntercomDestination::request(std::string method, const std::string& path, std::string body) const {
  HttpRequest request;
  request.method = std::move(method);
  request.url = settings_.url + path;
  request.body = std::move(body);
  if (!request.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("Authorization", "Bearer " + settings_.secret);
  request.headers.emplace_back("Intercom-Version", options_.intercom_version);
  for (const auto& header : settings_.headers) request.headers.push_back(header);
  return request;
}

HttpRequest IntercomDestination::build_request(const BatchContext& context, RecordBatch batch) const {
  const DeliveryRecord& record = *batch.front();
  const std::string id = identifier(record);
  std::optional<std::string> known = ids_.find(id);
  if (!known && !record.destination_id.empty()) {
    // The runner's id map already knows the contact from an earlier run.
    ids_.remember(id, record.destination_id);
    known = record.destination_id;
  }
  const bool may_create = options_.create_missing && context.mode != SyncMode::update;
  if (known && known->empty() && (record.op == Operation::Delete || !may_create)) {
    ids_.forget(id);  // nothing to create here: ask Intercom again
    known.reset();
  }
  if (!known) {
    if (options_.identify_by == "external_id") {
      return request("GET", "/contacts/find_by_external_id/" + text::percent_encode(id), {});
    }
    nlohmann::json query = {{"query", {{"field", "email"}, {"operator", "="}, {"value", id}}}};
    return request("POST", "/contacts/search", query.dump());
  }
  if (record.op == Operation::Delete) return request("POST", "/contacts/" + text::percent_encode(*known) + "/archive", {});

  nlohmann::json custom = nlohmann::json::object();
  std::string body = "{";
  auto add = [&body](const std::string& name, const nlohmann::json& value) {
    if (body.size() > 1) body += ',';
    mappers::write_json(name, body);
    body += ':';
    mappers::write_json(value, body);
  };
  if (known->empty()) {
    add("role", record.fields.is_object() && record.fields.contains("role") ? record.fields["role"] : "user");
    add(options_.identify_by, id);
  }
  if (record.fields.is_object()) {
    for (const auto& [name, value] : record.fields.items()) {
      if (name == "role" || (known->empty() && name == options_.identify_by)) continue;
      if (standard_fields().count(name) != 0) {
        add(name, value);
      } else if (name == "custom_attributes" && value.is_object()) {
        custom.update(value);  // a mapping in Intercom's shape: `custom_attributes.plan: plan`
      } else {
        custom[name] = value;
      }
    }
  }
  if (!custom.empty()) add("custom_attributes", custom);
  body += '}';
  if (known->empty()) return request("POST", "/contacts", std::move(body));
  return request("PUT", "/contacts/" + text::percent_encode(*known), std::move(body));
}

BatchVerdict IntercomDestination::parse_response(const HttpResponse& response, RecordBatch batch) const {
  const DeliveryRecord& record = *batch.front();
  const std::string id = identifier(record);
  const std::optional<std::string> known = ids_.find(id);
  const bool ok = response.status >= 200 && response.status < 300;
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  BatchVerdict result;

  if (!known) {  // the answer to a lookup
    std::string found = ok ? found_id(body) : std::string();
    if (!ok && response.status != 404) {
      result.records.push_back(verdict(RecordVerdictKind::Rejected, "lookup: " + intercom_message(response)));
      return result;
    }
    if (found.empty()) {
      if (record.op == Operation::Delete) {
        result.records.push_back(verdict(RecordVerdictKind::Accepted, {}));  // nothing to archive
      } else if (!options_.create_missing) {
        result.records.push_back(
            verdict(RecordVerdictKind::Rejected, "no Intercom contact with " + options_.identify_by + " " + id));
      } else {
        ids_.remember(id, "");
        result.records.push_back(verdict(RecordVerdictKind::Retryable, "no contact yet: creating it"));
      }
      return result;
    }
    ids_.remember(id, found);
    result.records.push_back(verdict(RecordVerdictKind::Retryable, "found contact " + found + ": writing it"));
    return result;
  }

  if (ok) {
    std::string written = body.is_object() ? body.value("id", *known) : *known;
    if (record.op == Operation::Delete) {
      ids_.forget(id);
    } else {
      ids_.remember(id, written);
    }
    result.records.push_back(verdict(RecordVerdictKind::Accepted, {}, written));
    return result;
  }
  if (response.status == 404 || response.status == 409) {
    // A remembered id Intercom no longer knows, or a contact created meanwhile:
    // look it up again.
    ids_.forget(id);
    result.records.push_back(verdict(RecordVerdictKind::Retryable, intercom_message(response)));
    return result;
  }
  result.records.push_back(verdict(RecordVerdictKind::Rejected, intercom_message(response)));
  return result;
}

}  // namespace backflow::destinations
