// The last N HTTP exchanges of a destination account, for debugging a sync
// from the API or dashboard. Entries are redacted before they are stored
// (destinations/redaction.h) and bodies are cut at 4 KiB. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "destinations/http_message.h"
#include "destinations/redaction.h"

namespace backflow::destinations {

struct ExchangeRecord {
  std::chrono::system_clock::time_point sent_at;
  std::string sync;
  std::string batch_id;
  int attempt = 1;
  std::string method;
  std::string url;
  HttpHeaders request_headers;
  std::string request_body;
  long status = 0;
  HttpHeaders response_headers;
  std::string response_body;
  std::string error;  // transport error, empty when a response arrived
  std::chrono::milliseconds elapsed{0};
};

class RequestLog {
 public:
  explicit RequestLog(std::size_t capacity = 50);

  // Stores a redacted copy of the exchange, dropping the oldest beyond capacity.
  void record(const Redactor& redactor, ExchangeRecord exchange);

  // Oldest first.
  std::vector<ExchangeRecord> entries() const;
  void set_capacity(std::size_t capacity);

  static constexpr std::size_t kMaxBodyBytes = 4096;

 private:
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::deque<ExchangeRecord> entries_;
};

// One RequestLog per destination account name, for the whole process.
// Thread-safe.
class RequestLogRegistry {
 public:
  static RequestLogRegistry& global();
  // The account's log, created on first use.
  std::shared_ptr<RequestLog> for_destination(const std::string& name, std::size_t capacity);
  // The account's log, or nullptr when nothing was logged for it yet.
  std::shared_ptr<RequestLog> find(const std::string& name) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<RequestLog>> logs_;
};

}  // namespace backflow::destinations
