#include "service/webhook_receiver.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "common/text.h"
#include "mappers/digest.h"
#include "mappers/exact_number.h"
#include "mappers/json_writer.h"

namespace backflow {

namespace {

// Builds the body's DOM like nlohmann::json::parse(), except that a number
// which is not an exact 64-bit integer (a decimal, or an integer beyond
// 2^64) is held as its original token text (mappers::exact_number) instead of
// the double nlohmann would round it to: backflow sends 38-digit NUMERICs
// exactly, and the receiver is the reference the model is compared against.
// The token is JSON number grammar, which is all write_json() needs to emit
// it verbatim. No string sent can pass for an exact number: the parser
// rejects ill-formed UTF-8, so none starts with exact_number()'s 0xFF tag.
class ExactNumberDomBuilder : public nlohmann::json::json_sax_t {
 public:
  bool null() override { return add(nullptr); }
  bool boolean(bool value) override { return add(value); }
  bool number_integer(number_integer_t value) override { return add(value); }
  bool number_unsigned(number_unsigned_t value) override { return add(value); }
  bool number_float(number_float_t, const string_t& text) override { return add(mappers::exact_number(text)); }
  bool string(string_t& value) override { return add(std::move(value)); }
  bool binary(binary_t&) override { return false; }  // not produced by the JSON parser
  bool start_object(std::size_t) override { return open(nlohmann::json::object()); }
  bool key(string_t& name) override {
    key_ = std::move(name);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(nlohmann::json::array()); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception&) override {
    failed_ = true;
    return false;
  }

  // The parsed document, or a discarded value when the body was not JSON.
  nlohmann::json result() && {
    return failed_ ? nlohmann::json(nlohmann::json::value_t::discarded) : std::move(root_);
  }

 private:
  // Places `value` in the innermost open container (under the last key read
  // when that is an object) and returns where it now lives. Pointers into
  // the tree stay valid: only the innermost container grows.
  nlohmann::json* place(nlohmann::json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    nlohmann::json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    nlohmann::json& slot = parent[key_];  // a repeated key keeps the last value, as parse() does
    slot = std::move(value);
    return &slot;
  }
  bool add(nlohmann::json value) {
    place(std::move(value));
    return true;
  }
  bool open(nlohmann::json container) {
    open_.push_back(place(std::move(container)));
    return true;
  }
  bool close() {
    open_.pop_back();
    return true;
  }

  nlohmann::json root_;
  std::vector<nlohmann::json*> open_;
  std::string key_;
  bool failed_ = false;
};

nlohmann::json parse_keeping_numbers(const std::string& body) {
  ExactNumberDomBuilder builder;
  nlohmann::json::sax_parse(body, &builder);
  return std::move(builder).result();
}

// nlohmann's dump(2) layout (what the store file has always looked like, and
// what scripts/demo.sh greps), with scalars written by write_json() so that
// exact numbers come out as the bare numbers they were sent as.
void write_indented(const nlohmann::json& value, std::size_t indent, std::string& out) {
  const bool object = value.is_object();
  if ((!object && !value.is_array()) || value.empty()) {
    mappers::write_json(value, out);
    return;
  }
  out += object ? "{\n" : "[\n";
  bool first = true;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!first) out += ",\n";
    first = false;
    out.append(indent + 2, ' ');
    if (object) {
      mappers::write_json(nlohmann::json(it.key()), out);
      out += ": ";
    }
    write_indented(it.value(), indent + 2, out);
  }
  out += '\n';
  out.append(indent, ' ');
  out += object ? '}' : ']';
}

// The first of `required` that `record` (a write) lacks or holds as null or "".
std::optional<std::string> missing_required_field(const nlohmann::json& record, const std::string& sync,
                                                  const std::vector<std::string>& required) {
  for (const std::string& entry : required) {
    std::string path = entry;
    if (const std::size_t colon = entry.find(':'); colon != std::string::npos) {
      if (entry.compare(0, colon, sync) != 0) continue;  // another sync's requirement
      path = entry.substr(colon + 1);
    }
    const nlohmann::json* value = record.contains("fields") ? &record["fields"] : nullptr;
    std::size_t start = 0;
    while (value != nullptr && start <= path.size()) {
      const std::size_t dot = std::min(path.find('.', start), path.size());
      const std::string part = path.substr(start, dot - start);
      value = value->is_object() && value->contains(part) ? &(*value)[part] : nullptr;
      start = dot + 1;
    }
    if (value == nullptr || value->is_null() || (value->is_string() && value->get<std::string>().empty())) return path;
  }
  return std::nullopt;
}

// The ops of docs/webhook.md: what the mode does, or a delete.
bool known_op(const nlohmann::json& op) {
  static const std::set<std::string, std::less<>> kOps = {"insert", "update", "upsert", "event", "delete"};
  return op.is_string() && kOps.count(op.get<std::string>()) != 0;
}

}  // namespace

WebhookReceiver::WebhookReceiver(Options options) : options_(std::move(options)) {
  http::HttpLimits limits;
  limits.max_body_bytes = 128 * 1024 * 1024;  // batches up to any webhook max_bytes
  try {
    server_ = std::make_unique<http::HttpServer>(options_.listen, limits, std::nullopt,
                                                 [this](const http::HttpRequest& request) {
                                                   http::HttpResponse response;
                                                   if (request.method != "POST") {
                                                     response.status = 405;
                                                     response.headers.emplace_back("Allow", "POST");
                                                     response.body = R"({"message":"only POST is accepted"})";
                                                     return response;
                                                   }
                                                   auto [status, reply] =
                                                       handle(request.body, request.header("X-Backflow-Signature"),
                                                              request.header("Idempotency-Key"));
                                                   response.status = status;
                                                   response.body = reply.dump();
                                                   return response;
                                                 });
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("webhook receiver: ") + e.what());
  }
}

WebhookReceiver::~WebhookReceiver() = default;

std::pair<int, nlohmann::json> WebhookReceiver::handle(const std::string& body, const std::string& signature,
                                                       const std::string& idempotency_key) {
  std::lock_guard lock(mutex_);
  if (!options_.secret.empty()) {
    const std::string expected = "sha256=" + mappers::hmac_sha256_hex(options_.secret, body);
    if (signature.size() != expected.size() ||
        CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
      ++stats_.refused;
      return {401, {{"message", "X-Backflow-Signature does not match the body"}}};
    }
  }
  if (!idempotency_key.empty() && seen_idempotency_keys_.count(idempotency_key)) {
    ++stats_.duplicate_batches;
    return {200, {{"duplicate", true}}};
  }
  nlohmann::json batch = parse_keeping_numbers(body);
  if (batch.is_discarded() || !batch.is_object() || !batch.contains("records") || !batch["records"].is_array()) {
    ++stats_.refused;
    return {400, {{"message", "body must be a JSON object with a \"records\" array"}}};
  }
  nlohmann::json errors = nlohmann::json::array();
  const std::string sync = batch.contains("sync") && batch["sync"].is_string() ? batch["sync"].get<std::string>() : "";
  std::size_t index = 0;
  for (const auto& record : batch["records"]) {
    if (!record.is_object() || !record.contains("key") || !record.contains("op")) {
      errors.push_back({{"index", index}, {"message", "record needs \"op\" and \"key\""}});
    } else if (!known_op(record["op"])) {
      errors.push_back({{"index", index},
                        {"message", "op " + text::quote_for_message(record["op"].is_string() ? record["op"].get<std::string>()
                                                                                             : record["op"].dump()) +
                                        " is not one of insert, update, upsert, event, delete"}});
    } else if (record["op"] == "delete") {
      records_.erase(mappers::to_json_text(record["key"]));
      ++stats_.deletes;
    } else if (auto missing = missing_required_field(record, sync, options_.required_fields)) {
      errors.push_back({{"index", index}, {"message", "field '" + *missing + "' is required"}});
    } else {
      nlohmann::json& held = records_[mappers::to_json_text(record["key"])];
      if (!held.is_object()) held = nlohmann::json::object();
      if (record.contains("fields") && record["fields"].is_object()) held.update(record["fields"]);
      ++stats_.upserts;
    }
    ++index;
  }
  ++stats_.batches;
  if (!idempotency_key.empty()) seen_idempotency_keys_.insert(idempotency_key);
  write_store_locked();
  if (!errors.empty()) return {200, {{"errors", errors}}};
  return {200, nlohmann::json::object()};
}

void WebhookReceiver::write_store_locked() const {
  if (!options_.store_file) return;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, fields] : records_) out[key] = fields;
  std::string text;
  write_indented(out, 0, text);
  text += '\n';
  auto tmp = *options_.store_file;
  tmp += ".tmp";
  {
    std::ofstream file(tmp, std::ios::trunc);
    file << text;
  }
  std::filesystem::rename(tmp, *options_.store_file);
}

std::map<std::string, nlohmann::json> WebhookReceiver::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

WebhookReceiver::Stats WebhookReceiver::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace backflow
