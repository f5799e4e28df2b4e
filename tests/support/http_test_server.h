// An HTTP/1.1 server on 127.0.0.1 (a free port) for delivery tests and
// benchmarks: keep-alive, Content-Length bodies, one thread per connection.
// The handler decides each reply (status, headers, body) or misbehaves on
// purpose (drop the connection, hang past the client's timeout). Every
// request received is kept for the test to inspect.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace backflow::test {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  int connection = 0;  // which TCP connection carried it, from 1
  std::chrono::steady_clock::time_point received_at;

  std::string header(const std::string& lowercase_name) const;
};

struct ServerReply {
  enum class Action { Respond, Drop, Hang };
  Action action = Action::Respond;
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body = "{}";
  std::chrono::milliseconds delay{0};  // before responding; Hang waits until the client gives up

  static ServerReply json(int status, std::string body);
  static ServerReply drop();
  static ServerReply hang();
};

class HttpTestServer {
 public:
  // Called on connection threads, possibly concurrently: must be thread-safe.
  using Handler = std::function<ServerReply(const ReceivedRequest&)>;

  // `keep_requests` false: bodies are not stored (benchmarks).
  explicit HttpTestServer(Handler handler = nullptr, bool keep_requests = true);
  ~HttpTestServer();  // stops accepting, closes connections, joins threads
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/hook") const;

  void set_handler(Handler handler);
  std::vector<ReceivedRequest> requests() const;
  std::size_t request_count() const { return request_count_.load(); }
  std::size_t connection_count() const { return connection_count_.load(); }

 private:
  void accept_loop();
  void serve(int fd, int connection);
  ServerReply reply_for(const ReceivedRequest& request);

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  bool keep_requests_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> request_count_{0};
  std::atomic<int> connection_count_{0};
  mutable std::mutex mutex_;
  Handler handler_;
  std::vector<ReceivedRequest> requests_;
  std::vector<std::thread> connection_threads_;
  std::thread accept_thread_;
};

// Counts requests over a sliding window, as a vendor enforcing "N requests per
// W" would: admit() is false when the request would exceed the limit (the
// server answers 429). Thread-safe.
class SlidingWindowLimit {
 public:
  SlidingWindowLimit(std::size_t requests, std::chrono::milliseconds window);
  bool admit();
  // Seconds until the oldest admitted request leaves the window.
  double seconds_until_free() const;

 private:
  std::size_t requests_;
  std::chrono::milliseconds window_;
  mutable std::mutex mutex_;
  std::deque<std::chrono::steady_clock::time_point> admitted_;
};

}  // namespace backflow::test
