// A webhook receiver that keeps what backflow's webhook destination sends:
// the destination that needs no account, used by the README's demo and by
// end-to-end tests as the "vendor" whose contents must equal the model.
// It implements the receiving side of docs/webhook.md: verifies the HMAC
// signature, applies each batch once per idempotency key, holds one record per
// key (every write merges its fields: "insert", "update", "upsert", "event",
// and the "upsert" older versions sent for every mode; "delete" removes),
// refuses a record with any other op, and can mirror the records to a file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "service/http/http_server.h"

namespace backflow {

class WebhookReceiver {
 public:
  struct Options {
    std::string listen = "127.0.0.1:8099";  // host:port (port 0 is not supported by the listener)
    std::string secret;                      // empty: signatures are not checked
    // Rewritten (atomically) after every batch: an object of records() in
    // nlohmann's dump(2) layout, numbers written as they were sent.
    std::optional<std::filesystem::path> store_file;
    // Field paths ("email", "company.domain") an upsert must carry with a
    // non-null, non-empty value; a record without one is rejected with a
    // per-record error naming the field, as a CRM with required properties
    // would, and is not held. "SYNC:PATH" requires PATH only of the batches
    // the sync named SYNC sends (one receiver serving several syncs).
    std::vector<std::string> required_fields;
  };

  struct Stats {
    std::uint64_t batches = 0, duplicate_batches = 0, upserts = 0, deletes = 0, refused = 0;
  };

  // Starts listening; throws std::runtime_error naming the address when it
  // cannot. Requests are served on the server's threads until destruction.
  explicit WebhookReceiver(Options options);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  // The records held, keyed by the JSON text of each record's key (as
  // mappers::write_json() writes it). Numbers are kept exactly as sent: an
  // integer that fits 64 bits is a JSON integer, any other number (decimals,
  // integers beyond 2^64) a mappers::exact_number() holding the number's text,
  // so compare with exact_number_text() or serialise with write_json(), not
  // dump(). The store file holds the same, written as bare numbers.
  // Thread-safe.
  std::map<std::string, nlohmann::json> records() const;
  Stats stats() const;

  // Handles one request body; returns the HTTP status and response body.
  // Public so that the behaviour is testable without a socket.
  std::pair<int, nlohmann::json> handle(const std::string& body, const std::string& signature,
                                        const std::string& idempotency_key);

 private:
  void write_store_locked() const;
  Options options_;
  mutable std::mutex mutex_;
  std::map<std::string, nlohmann::json> records_;
  std::set<std::string> seen_idempotency_keys_;
  Stats stats_;
  std::unique_ptr<http::HttpServer> server_;  // last: stops before the state it serves goes
};

}  // namespace backflow
