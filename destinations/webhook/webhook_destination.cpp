#include "destinations/webhook/webhook_destination.h"

#include <chrono>
#include <cstdio>

#include "common/text.h"
#include "destinations/destination_error.h"
#include "mappers/digest.h"
#include "mappers/json_writer.h"
#include "destinations/vendor_error.h"

namespace backflow::destinations {

namespace {

// The receiver's own explanation: {"error": "..."} or {"message": "..."} or
// the first entry of "errors", else the start of the body.
std::string receiver_message(const HttpResponse& response) {
  return vendor_error_text(response, [](const nlohmann::json& body) -> std::string {
    if (!body.is_object()) return {};
    for (const char* name : {"error", "message"}) {
      auto it = body.find(name);
      if (it != body.end() && it->is_string()) return it->get<std::string>();
    }
    auto errors = body.find("errors");
    if (errors != body.end() && errors->is_array() && !errors->empty()) {
      const auto& first = errors->front();
      if (first.is_object() && first.contains("message") && first["message"].is_string()) {
        return first["message"].get<std::string>();
      }
    }
    return {};
  });
}

}  // namespace

WebhookDestination::WebhookDestination(DestinationSettings settings, WebhookOptions options)
    : settings_(std::move(settings)), options_(std::move(options)), timestamp_(utc_timestamp(options_.run_started_ms)) {
  if (settings_.url.empty()) {
    throw DestinationError("destination " + text::quote_for_message(settings_.name) + " (webhook): url is required");
  }
}

std::string_view WebhookDestination::op_name(Operation op, SyncMode mode) {
  if (op == Operation::Delete) return "delete";
  switch (mode) {
    case SyncMode::insert: return "insert";
    case SyncMode::update: return "update";
    case SyncMode::append: return "event";
    case SyncMode::upsert:
    case SyncMode::mirror: break;
  }
  return "upsert";
}

std::string WebhookDestination::utc_timestamp(std::int64_t ms) {
  const std::chrono::sys_time<std::chrono::milliseconds> time{std::chrono::milliseconds(ms)};
  const auto days = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{days};
  const std::chrono::hh_mm_ss<std::chrono::milliseconds> time_of_day{time - days};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time_of_day.hours().count()), static_cast<int>(time_of_day.minutes().count()),
                static_cast<int>(time_of_day.seconds().count()), static_cast<int>(time_of_day.subseconds().count()));
  return text;
}

BatchLimits WebhookDestination::batch_limits() const {
  return BatchLimits{settings_.batch_size > 0 ? settings_.batch_size : kDefaultBatchSize,
                     settings_.max_bytes > 0 ? settings_.max_bytes : kDefaultMaxBytes};
}

std::vector<SyncMode> WebhookDestination::supported_modes() const {
  return {SyncMode::upsert, SyncMode::update, SyncMode::insert, SyncMode::mirror, SyncMode::append};
}

std::string WebhookDestination::record_identity() const {
  return "the sync's primary key, sent as the record's \"key\" object";
}

std::vector<std::string> WebhookDestination::secrets() const {
  std::vector<std::string> secrets;
  if (!settings_.secret.empty()) secrets.push_back(settings_.secret);
  return secrets;
}

std::string WebhookDestination::idempotency_key(const BatchContext& context, std::string_view body) {
  // 128 bits of the digest make an accidental collision negligible while
  // keeping the key well under the 255 characters receivers commonly allow.
  return context.run_id + "." + context.batch_id + "." + mappers::sha256_hex(body).substr(0, 32);
}

HttpRequest WebhookDestination::build_request(const BatchContext& context, RecordBatch batch) const {
  HttpRequest request;
  request.method = "POST";
  request.url = settings_.url;
  std::string& body = request.body;
  body.reserve(batch.size() * 160 + 128);
  body += "{\"sync\":";
  mappers::write_json(context.sync, body);
  body += ",\"run_id\":";
  mappers::write_json(context.run_id, body);
  if (!options_.object.empty()) {
    body += ",\"object\":";
    mappers::write_json(options_.object, body);
  }
  body += ",\"records\":[";
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const DeliveryRecord& record = *batch[i];
    if (i != 0) body += ',';
    body += "{\"op\":\"";
    body += op_name(record.op, context.mode);
    body += "\",\"key\":";
    mappers::write_json(record.key_json, body);
    if (context.mode == SyncMode::append && record.op != Operation::Delete) {
      if (!options_.event_name.empty()) {
        body += ",\"event_name\":";
        mappers::write_json(options_.event_name, body);
      }
      body += ",\"timestamp\":\"";
      body += timestamp_;
      body += '"';
    }
    if (record.op != Operation::Delete) {
      body += ",\"fields\":";
      mappers::write_json(record.fields, body);
    }
    body += '}';
  }
  body += "]}";

  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Idempotency-Key", idempotency_key(context, body));
  request.headers.emplace_back("X-Backflow-Sync", context.sync);
  request.headers.emplace_back("X-Backflow-Run-Id", context.run_id);
  request.headers.emplace_back("X-Backflow-Batch", context.batch_id);
  request.headers.emplace_back("X-Backflow-Attempt", std::to_string(context.attempt));
  if (!settings_.secret.empty()) {
    request.headers.emplace_back("X-Backflow-Signature",
                                 "sha256=" + mappers::hmac_sha256_hex(settings_.secret, body));
  }
  for (const auto& header : settings_.headers) request.headers.push_back(header);
  return request;
}

BatchVerdict WebhookDestination::parse_response(const HttpResponse& response, RecordBatch batch) const {
  if (response.status < 200 || response.status >= 300) {
    return BatchVerdict::whole_batch_rejected(receiver_message(response));
  }
  BatchVerdict verdict = BatchVerdict::all(batch.size(), RecordVerdictKind::Accepted);
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) return verdict;
  auto errors = body.find("errors");
  if (errors == body.end() || !errors->is_array()) return verdict;
  for (const auto& error : *errors) {
    if (!error.is_object()) continue;
    auto index = error.find("index");
    if (index == error.end() || !index->is_number_integer()) continue;
    auto position = index->get<std::int64_t>();
    if (position < 0 || static_cast<std::size_t>(position) >= batch.size()) continue;
    RecordVerdict& record = verdict.records[static_cast<std::size_t>(position)];
    auto message = error.find("message");
    record.message = message != error.end() && message->is_string() ? message->get<std::string>()
                                                                    : "rejected by the receiver";
    auto retryable = error.find("retryable");
    record.kind = retryable != error.end() && retryable->is_boolean() && retryable->get<bool>()
                      ? RecordVerdictKind::Retryable
                      : RecordVerdictKind::Rejected;
  }
  return verdict;
}

}  // namespace backflow::destinations
