#include "service/webhook_receiver.h"

#include <openssl/crypto.h>

#include <cpprest/http_listener.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "mappers/digest.h"

namespace backflow {

namespace {

// The first of `required` that `record` (an upsert) lacks or holds as null or "".
std::optional<std::string> missing_required_field(const nlohmann::json& record,
                                                  const std::vector<std::string>& required) {
  for (const std::string& path : required) {
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

}  // namespace

struct WebhookReceiver::Listener {
  web::http::experimental::listener::http_listener listener;
  explicit Listener(const std::string& url) : listener(web::uri(url)) {}
};

WebhookReceiver::WebhookReceiver(Options options) : options_(std::move(options)) {
  using namespace web::http;
  listener_ = std::make_unique<Listener>("http://" + options_.listen + "/");
  // The body is read in a continuation: blocking on it inside the handler
  // would tie up cpprestsdk's thread pool and hang under concurrent clients.
  listener_->listener.support(methods::POST, [this](http_request request) {
    request.extract_utf8string(true).then([this, request](pplx::task<std::string> body_read) {
      std::string body;
      try {
        body = body_read.get();
      } catch (const std::exception&) {
        return;  // the client went away before sending its body
      }
      auto header = [&](const char* name) {
        auto it = request.headers().find(name);
        return it == request.headers().end() ? std::string() : it->second;
      };
      auto [status, reply] = handle(body, header("X-Backflow-Signature"), header("Idempotency-Key"));
      request.reply(static_cast<status_code>(status), web::json::value::parse(reply.dump()))
          .then([](pplx::task<void> sent) {
            try {
              sent.get();
            } catch (const std::exception&) {
              // The client disconnected; there is nobody left to answer.
            }
          });
    });
  });
  try {
    listener_->listener.open().wait();
  } catch (const std::exception& e) {
    throw std::runtime_error("webhook receiver cannot listen on " + options_.listen + ": " + e.what());
  }
}

WebhookReceiver::~WebhookReceiver() {
  try {
    listener_->listener.close().wait();
  } catch (...) {
    // Closing a listener whose socket already failed has nothing left to do.
  }
}

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
  nlohmann::json batch = nlohmann::json::parse(body, nullptr, false);
  if (batch.is_discarded() || !batch.is_object() || !batch.contains("records") || !batch["records"].is_array()) {
    ++stats_.refused;
    return {400, {{"message", "body must be a JSON object with a \"records\" array"}}};
  }
  nlohmann::json errors = nlohmann::json::array();
  std::size_t index = 0;
  for (const auto& record : batch["records"]) {
    if (!record.is_object() || !record.contains("key") || !record.contains("op")) {
      errors.push_back({{"index", index}, {"message", "record needs \"op\" and \"key\""}});
    } else if (record["op"] == "delete") {
      records_.erase(record["key"].dump());
      ++stats_.deletes;
    } else if (auto missing = missing_required_field(record, options_.required_fields)) {
      errors.push_back({{"index", index}, {"message", "field '" + *missing + "' is required"}});
    } else {
      nlohmann::json& held = records_[record["key"].dump()];
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
  auto tmp = *options_.store_file;
  tmp += ".tmp";
  {
    std::ofstream file(tmp, std::ios::trunc);
    file << out.dump(2) << "\n";
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
