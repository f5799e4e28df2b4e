// Asynchronous HTTP over libcurl's multi interface, driven by the caller's
// thread: start() queues transfers, poll() runs them and hands back the
// finished ones. Connections are kept alive and reused across requests (the
// multi handle's connection cache). TLS peers are verified; gzip/deflate
// responses are accepted and decoded; proxies come from the environment
// (http_proxy, https_proxy, no_proxy) as libcurl reads them.
//
// Not thread-safe: one client per delivering thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "destinations/http_message.h"

namespace backflow::destinations {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds total_timeout{60000};
  std::size_t max_connections_per_host = 4;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Queues `request`; returns the id poll() will report it under.
  std::uint64_t start(HttpRequest request);

  // Runs transfers for up to `max_wait` (returns sooner when one finishes) and
  // returns the finished ones. A transport failure is a response with
  // transport_error set, never an exception.
  std::vector<std::pair<std::uint64_t, HttpResponse>> poll(std::chrono::milliseconds max_wait);

  std::size_t in_flight() const { return transfers_.size(); }

  // Abandons every unfinished transfer (their connections are closed).
  void abort_all();

 private:
  struct Transfer;
  struct MultiDeleter {
    void operator()(void* multi) const;
  };

  HttpClientOptions options_;
  std::unique_ptr<void, MultiDeleter> multi_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Transfer>> transfers_;
  std::vector<std::unique_ptr<Transfer>> idle_;  // finished transfers whose easy handles are reused
  std::uint64_t next_id_ = 1;
};

}  // namespace backflow::destinations
