#include "tests/support/http_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

namespace backflow::test {

namespace {

constexpr int kPollMs = 20;

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 408: return "Request Timeout";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

bool write_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::string ReceivedRequest::header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? std::string() : it->second;
}

ServerReply ServerReply::json(int status, std::string body) {
  ServerReply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

ServerReply ServerReply::drop() {
  ServerReply reply;
  reply.action = Action::Drop;
  return reply;
}

ServerReply ServerReply::hang() {
  ServerReply reply;
  reply.action = Action::Hang;
  return reply;
}

HttpTestServer::HttpTestServer(Handler handler, bool keep_requests)
    : keep_requests_(keep_requests), handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("test server: socket() failed");
  int yes = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 128) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("test server: cannot listen on 127.0.0.1");
  }
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  accept_thread_ = std::thread([this] { accept_loop(); });
}

HttpTestServer::~HttpTestServer() {
  stopping_ = true;
  accept_thread_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(connection_threads_);
  }
  for (auto& thread : threads) thread.join();
  ::close(listen_fd_);
}

std::string HttpTestServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpTestServer::set_handler(Handler handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

std::vector<ReceivedRequest> HttpTestServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void HttpTestServer::accept_loop() {
  while (!stopping_) {
    pollfd pfd{listen_fd_, POLLIN, 0};
    if (::poll(&pfd, 1, kPollMs) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    int connection = ++connection_count_;
    std::lock_guard lock(mutex_);
    connection_threads_.emplace_back([this, fd, connection] { serve(fd, connection); });
  }
}

ServerReply HttpTestServer::reply_for(const ReceivedRequest& request) {
  Handler handler;
  {
    std::lock_guard lock(mutex_);
    handler = handler_;
  }
  return handler ? handler(request) : ServerReply::json(200, "{}");
}

void HttpTestServer::serve(int fd, int connection) {
  std::string buffer;
  char chunk[65536];
  // Reads until `predicate(buffer)` holds; false when the peer closed or we stop.
  auto read_until = [&](auto predicate) {
    while (!predicate()) {
      pollfd pfd{fd, POLLIN, 0};
      int ready = ::poll(&pfd, 1, kPollMs);
      if (stopping_) return false;
      if (ready <= 0) continue;
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
  };
  while (!stopping_) {
    std::size_t head_end = std::string::npos;
    if (!read_until([&] { return (head_end = buffer.find("\r\n\r\n")) != std::string::npos; })) break;
    ReceivedRequest request;
    request.connection = connection;
    std::string head = buffer.substr(0, head_end);
    std::size_t line_end = head.find("\r\n");
    std::string request_line = head.substr(0, line_end);
    std::size_t first_space = request_line.find(' ');
    std::size_t second_space = request_line.find(' ', first_space + 1);
    request.method = request_line.substr(0, first_space);
    request.target = request_line.substr(first_space + 1, second_space - first_space - 1);
    std::size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
    while (at < head.size()) {
      std::size_t end = head.find("\r\n", at);
      if (end == std::string::npos) end = head.size();
      std::string line = head.substr(at, end - at);
      std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        request.headers[lower(line.substr(0, colon))] = value;
      }
      at = end + 2;
    }
    std::size_t content_length = 0;
    if (auto length = request.header("content-length"); !length.empty()) {
      content_length = std::stoul(length);
    }
    std::size_t body_start = head_end + 4;
    if (!read_until([&] { return buffer.size() >= body_start + content_length; })) break;
    request.body = buffer.substr(body_start, content_length);
    buffer.erase(0, body_start + content_length);
    request.received_at = std::chrono::steady_clock::now();

    ++request_count_;
    ServerReply reply = reply_for(request);
    bool close_after = lower(request.header("connection")) == "close";
    if (keep_requests_) {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    if (reply.action == ServerReply::Action::Drop) break;
    if (reply.action == ServerReply::Action::Hang) {
      // Until the client gives up (closes) or the server stops.
      read_until([] { return false; });
      break;
    }
    if (reply.delay.count() > 0) {
      auto until = std::chrono::steady_clock::now() + reply.delay;
      while (!stopping_ && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    std::string response = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
    bool has_type = false;
    for (const auto& [name, value] : reply.headers) {
      response += name + ": " + value + "\r\n";
      has_type = has_type || lower(name) == "content-type";
    }
    if (!has_type) response += "Content-Type: application/json\r\n";
    response += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    if (close_after) response += "Connection: close\r\n";
    response += "\r\n" + reply.body;
    if (!write_all(fd, response) || close_after) break;
  }
  ::close(fd);
}

SlidingWindowLimit::SlidingWindowLimit(std::size_t requests, std::chrono::milliseconds window)
    : requests_(requests), window_(window) {}

bool SlidingWindowLimit::admit() {
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  while (!admitted_.empty() && admitted_.front() <= now - window_) admitted_.pop_front();
  if (admitted_.size() >= requests_) return false;
  admitted_.push_back(now);
  return true;
}

double SlidingWindowLimit::seconds_until_free() const {
  std::lock_guard lock(mutex_);
  if (admitted_.empty()) return 0;
  std::chrono::duration<double> wait = admitted_.front() + window_ - std::chrono::steady_clock::now();
  return std::max(0.0, wait.count());
}

}  // namespace backflow::test
