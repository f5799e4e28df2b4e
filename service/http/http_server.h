// An HTTP/1.1 server (Boost.Beast on Boost.Asio) that enforces its limits
// before doing any work for a request: the request line, the path, the
// headers and the body are bounded and timed, so that an unauthenticated
// client can exhaust neither memory nor threads. Over TLS when configured.
// Used by the API (service/api) and by the demo webhook receiver.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "service/http/http_message.h"

namespace backflow::http {

// What a request may be. Over a limit the server answers at once, without
// reading further, and closes the connection:
//   414 request line (target) too long, or too many path segments
//   431 headers too large or too many (an unterminated line counts as too large)
//   413 body too large (declared, or while reading a chunked body)
//   400 not HTTP/1.x
// A client that is too slow (the timeouts) is disconnected.
struct HttpLimits {
  std::size_t max_target_bytes = 8 * 1024;
  std::size_t max_path_segments = 64;
  std::size_t max_header_bytes = 32 * 1024;  // request line and headers together
  std::size_t max_header_count = 100;
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_connections = 512;  // beyond it, new connections are closed at once
  std::chrono::milliseconds header_timeout{10'000};  // from connect to the end of the first request's headers
  std::chrono::milliseconds idle_timeout{30'000};    // keep-alive: waiting for and reading the next request's headers
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
};

struct TlsFiles {
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
};

class HttpServer {
 public:
  // Called for each request within the limits, on one of the server's
  // threads, possibly concurrently; must not throw (a throw is answered 500).
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Listens on `listen` ("host:port"; port 0 picks a free one) and serves
  // on `threads` threads until destruction. Throws std::runtime_error naming
  // the address, or the TLS file, when it cannot.
  HttpServer(const std::string& listen, HttpLimits limits, std::optional<TlsFiles> tls, Handler handler,
             std::size_t threads = 4);
  // Stops accepting, drops open connections and joins the threads; a
  // handler running at that moment finishes first.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port actually listened on.
  int port() const;
  // "http://host:port" or "https://host:port" with the bound port.
  std::string base_url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backflow::http
