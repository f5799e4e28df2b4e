#include "service/api/api_server.h"

// spdlog before cpprestsdk: cpprestsdk defines a macro U() that breaks fmt.
// clang-format off
#include <spdlog/spdlog.h>
#include <cpprest/http_listener.h>
// clang-format on

#include "service/api/api_json.h"

namespace backflow::api {
namespace {

using web::http::http_request;
using web::http::http_response;

std::string header_value(const http_request& request, const std::string& name) {
  auto it = request.headers().find(name);
  return it == request.headers().end() ? std::string() : it->second;
}

http_response to_http(const ApiResponse& response) {
  http_response http(static_cast<web::http::status_code>(response.status));
  http.set_body(std::vector<unsigned char>(response.body.begin(), response.body.end()));
  http.headers().set_content_type(response.content_type);
  for (const auto& [name, value] : response.headers) http.headers().add(name, value);
  return http;
}

// Replies unless the client is gone (then there is nobody left to tell).
void reply_or_drop(http_request& request, const http_response& response) {
  try {
    request.reply(response).then([](pplx::task<void> sent) {
      try {
        sent.get();
      } catch (const std::exception&) {
        // The connection closed before the response was written.
      }
    });
  } catch (const std::exception& e) {
    spdlog::debug("api: cannot reply: {}", e.what());
  }
}

ApiResponse too_large(std::size_t limit) {
  ApiResponse response;
  response.status = 413;
  response.body = dump_json(
      error_json("body_too_large", "the request body exceeds the limit of " + std::to_string(limit) + " bytes"));
  return response;
}

}  // namespace

struct ApiServer::Listener {
  web::http::experimental::listener::http_listener listener;
  explicit Listener(const std::string& url) : listener(web::uri(url)) {}
};

ApiServer::ApiServer(Options options, SyncController& controller, const state::RunStore& runs,
                     const state::RecordStore& records, metrics::Registry& metrics)
    : options_(std::move(options)), router_(controller, runs, records, metrics, options_.auth_token) {
  listener_ = std::make_unique<Listener>(base_url() + "/");
  // Never block a cpprestsdk thread on a task: the body arrives on the same
  // thread pool, so waiting for it (.get()) under many concurrent requests
  // starves the pool and every request hangs. The body is handled in a
  // continuation instead.
  listener_->listener.support([this](http_request request) {
    const std::size_t limit = options_.max_body_bytes;
    // Refuse a declared oversized body before reading it.
    if (request.headers().content_length() > limit) {
      reply_or_drop(request, to_http(too_large(limit)));
      return;
    }
    request.extract_vector().then([this, request, limit](pplx::task<std::vector<unsigned char>> body_read) {
      http_request exchange = request;
      try {
        const std::vector<unsigned char> body = body_read.get();  // already complete: does not block
        if (body.size() > limit) {                                // chunked bodies declare no length
          reply_or_drop(exchange, to_http(too_large(limit)));
          return;
        }
        ApiRequest api;
        api.method = exchange.method();
        api.path = exchange.request_uri().path();
        api.query = exchange.request_uri().query();
        api.authorization = header_value(exchange, "Authorization");
        api.body.assign(body.begin(), body.end());
        reply_or_drop(exchange, to_http(router_.handle(api)));
      } catch (const std::exception& e) {
        spdlog::error("api: cannot serve a request: {}", e.what());
        reply_or_drop(exchange, http_response(web::http::status_codes::InternalError));
      }
    });
  });
  try {
    listener_->listener.open().wait();
  } catch (const std::exception& e) {
    throw std::runtime_error("API server cannot listen on " + options_.listen + ": " + e.what());
  }
}

ApiServer::~ApiServer() {
  try {
    listener_->listener.close().wait();
  } catch (...) {
    // Closing a listener whose socket already failed has nothing left to do.
  }
}

}  // namespace backflow::api
