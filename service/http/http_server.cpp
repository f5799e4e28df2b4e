#include "service/http/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/text.h"

namespace backflow::http {

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (text::iequals(key, name)) return value;
  }
  return {};
}

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

// The error body every backflow endpoint uses.
HttpResponse refusal(int status, const std::string& code, const std::string& message) {
  HttpResponse response;
  response.status = status;
  response.body = nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump();
  return response;
}

std::size_t path_segments(std::string_view path) {
  return static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
}

// What the server shares with its sessions.
struct Shared {
  HttpLimits limits;
  HttpServer::Handler handler;
  std::atomic<std::size_t> connections{0};
};

// One connection: reads requests within the limits and answers them, one at
// a time, until the client closes, a limit is hit or a timeout expires.
// Owned by the shared_ptrs its pending operations hold.
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, Shared& shared) : stream_(std::move(stream)), shared_(shared) {}
  ~Session() { shared_.connections.fetch_sub(1); }

  void start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(shared_.limits.header_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code error) {
                                if (!error) self->read_header();
                              });
    } else {
      read_header();
    }
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  void read_header() {
    const HttpLimits& limits = shared_.limits;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser_->body_limit(limits.max_body_bytes);
    beast::get_lowest_layer(stream_).expires_after(served_ == 0 ? limits.header_timeout : limits.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                               self->on_header(error);
                             });
  }

  void on_header(beast::error_code error) {
    const HttpLimits& limits = shared_.limits;
    if (error == bhttp::error::header_limit) {
      // The parser consumes whole lines, so the buffer starts with the line
      // that is too long: a header line has its ':' before any space, a
      // request line ("GET /...") a space first.
      const auto data = buffer_.cdata();
      const std::string_view rest(static_cast<const char*>(data.data()), data.size());
      if (rest.find(':') > rest.find(' ')) {
        return refuse(refusal(414, "uri_too_long",
                              "the request line exceeds " + std::to_string(limits.max_target_bytes) + " bytes"));
      }
      return refuse(refusal(431, "headers_too_large",
                            "the request headers exceed " + std::to_string(limits.max_header_bytes) + " bytes"));
    }
    // A declared Content-Length over the limit is refused while the header is parsed.
    if (error == bhttp::error::body_limit) return refuse(body_too_large());
    if (error) {
      if (is_disconnect(error)) return close();
      return refuse(refusal(400, "bad_request", "not a valid HTTP/1.1 request: " + error.message()));
    }
    const BeastRequest& request = parser_->get();
    const std::string_view target(request.target().data(), request.target().size());
    if (target.size() > limits.max_target_bytes) {
      return refuse(refusal(414, "uri_too_long",
                            "the request target exceeds " + std::to_string(limits.max_target_bytes) + " bytes"));
    }
    if (path_segments(target.substr(0, target.find('?'))) > limits.max_path_segments) {
      return refuse(refusal(414, "uri_too_long",
                            "the path has more than " + std::to_string(limits.max_path_segments) + " segments"));
    }
    const auto header_count = static_cast<std::size_t>(std::distance(request.begin(), request.end()));
    if (header_count > limits.max_header_count) {
      return refuse(refusal(431, "headers_too_large",
                            "the request has more than " + std::to_string(limits.max_header_count) + " headers"));
    }
    if (parser_->is_done()) return respond();
    if (text::iequals(std::string_view(request[bhttp::field::expect].data(), request[bhttp::field::expect].size()),
                      "100-continue")) {
      return send_continue();
    }
    read_body();
  }

  // curl and other clients wait for "100 Continue" before sending a body.
  void send_continue() {
    continue_.emplace(bhttp::status::continue_, 11);
    beast::get_lowest_layer(stream_).expires_after(shared_.limits.write_timeout);
    bhttp::async_write(stream_, *continue_, [self = this->shared_from_this()](beast::error_code error, std::size_t) {
      if (error) return self->close();
      self->read_body();
    });
  }

  void read_body() {
    beast::get_lowest_layer(stream_).expires_after(shared_.limits.body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code error, std::size_t) {
      if (error == bhttp::error::body_limit) return self->refuse(self->body_too_large());
      if (error) {
        if (is_disconnect(error)) return self->close();
        return self->refuse(refusal(400, "bad_request", "the request body is malformed: " + error.message()));
      }
      self->respond();
    });
  }

  HttpResponse body_too_large() const {
    return refusal(413, "body_too_large",
                   "the request body exceeds the limit of " + std::to_string(shared_.limits.max_body_bytes) + " bytes");
  }

  static bool is_disconnect(const beast::error_code& error) {
    return error == bhttp::error::end_of_stream || error == beast::error::timeout ||
           error == net::error::operation_aborted || error == net::error::connection_reset ||
           error == net::error::eof || error == ssl::error::stream_truncated;
  }

  void respond() {
    BeastRequest& request = parser_->get();
    HttpRequest exchange;
    exchange.method = std::string(request.method_string());
    const std::string_view target(request.target().data(), request.target().size());
    const auto question = target.find('?');
    exchange.path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) exchange.query = std::string(target.substr(question + 1));
    for (const auto& field : request) {
      exchange.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    exchange.body = std::move(request.body());
    HttpResponse answer;
    try {
      answer = shared_.handler(exchange);
    } catch (const std::exception& e) {
      spdlog::error("http: the handler failed on {} {}: {}", text::escape_for_message(exchange.method, 20),
                    text::escape_for_message(exchange.path, 200), e.what());
      answer = refusal(500, "internal", "the server failed to handle the request");
    }
    ++served_;
    write(answer, request.keep_alive());
  }

  // A refused request may still be arriving (a body too large): closing
  // at once would reset the connection before the client reads the answer.
  void refuse(const HttpResponse& answer) {
    lingering_ = true;
    write(answer, false);
  }

  void write(const HttpResponse& answer, bool keep_alive) {
    response_.emplace(static_cast<bhttp::status>(answer.status), 11);
    response_->set(bhttp::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) response_->insert(name, value);
    response_->body() = answer.body;
    response_->keep_alive(keep_alive);
    response_->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(shared_.limits.write_timeout);
    bhttp::async_write(stream_, *response_,
                       [self = this->shared_from_this(), keep_alive](beast::error_code error, std::size_t) {
                         if (error || !keep_alive) return self->close();
                         self->read_header();
                       });
  }

  void close() {
    beast::error_code ignored;
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code unused;
        beast::get_lowest_layer(self->stream_).socket().close(unused);
      });
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      if (lingering_) return drain();
      stream_.socket().close(ignored);
    }
  }

  // Reads and discards what the client still sends, for at most 2 s and
  // 1 MiB, then closes.
  void drain() {
    stream_.expires_after(std::chrono::seconds(2));
    stream_.async_read_some(net::buffer(drain_buffer_),
                            [self = this->shared_from_this()](beast::error_code error, std::size_t got) {
                              self->drained_ += got;
                              if (!error && self->drained_ < 1024 * 1024) return self->drain();
                              beast::error_code unused;
                              self->stream_.socket().close(unused);
                            });
  }

  Stream stream_;
  Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  std::optional<BeastResponse> response_;
  std::size_t served_ = 0;
  bool lingering_ = false;
  std::array<char, 16384> drain_buffer_{};
  std::size_t drained_ = 0;
};

// "host:port" -> endpoint; "[::1]:80" for IPv6.
tcp::endpoint resolve(net::io_context& io, const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("expected host:port");
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host, port, tcp::resolver::passive | tcp::resolver::numeric_service);
  if (results.empty()) throw std::runtime_error("no address for " + host);
  return results.begin()->endpoint();
}

}  // namespace

struct HttpServer::Impl {
  Impl(HttpLimits limits, Handler handler) : acceptor(io) {
    shared.limits = limits;
    shared.handler = std::move(handler);
  }

  void accept() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code error, tcp::socket socket) {
      if (error == net::error::operation_aborted) return;  // closing
      if (!error) admit(std::move(socket));
      accept();
    });
  }

  void admit(tcp::socket socket) {
    if (shared.connections.fetch_add(1) >= shared.limits.max_connections) {
      shared.connections.fetch_sub(1);
      beast::error_code ignored;
      socket.close(ignored);
      return;
    }
    if (tls) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls), shared)
          ->start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), shared)->start();
    }
  }

  // Sessions left in the io_context when it is destroyed refer to `shared`
  // and `tls`: those are declared first so that they are destroyed last.
  Shared shared;
  std::optional<ssl::context> tls;
  net::io_context io;
  tcp::acceptor acceptor;
  std::string host;
  std::vector<std::thread> threads;
};

HttpServer::HttpServer(const std::string& listen, HttpLimits limits, std::optional<TlsFiles> tls_files,
                       Handler handler, std::size_t threads)
    : impl_(std::make_unique<Impl>(limits, std::move(handler))) {
  if (tls_files) {
    impl_->tls.emplace(ssl::context::tls_server);
    auto& context = *impl_->tls;
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    try {
      context.use_certificate_chain_file(tls_files->cert_file);
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot use the TLS certificate " + text::quote_for_message(tls_files->cert_file) +
                               ": " + e.what());
    }
    try {
      context.use_private_key_file(tls_files->key_file, ssl::context::pem);
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot use the TLS key " + text::quote_for_message(tls_files->key_file) + ": " +
                               e.what());
    }
  }
  try {
    const tcp::endpoint endpoint = resolve(impl_->io, listen);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(net::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(net::socket_base::max_listen_connections);
    impl_->host = listen.substr(0, listen.rfind(':'));
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + text::quote_for_message(listen) + ": " + e.what());
  }
  impl_->accept();
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  }
}

HttpServer::~HttpServer() {
  net::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->io.stop();
  for (auto& thread : impl_->threads) thread.join();
}

int HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string HttpServer::base_url() const {
  return std::string(impl_->tls ? "https://" : "http://") + impl_->host + ":" + std::to_string(port());
}

}  // namespace backflow::http
