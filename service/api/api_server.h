// The HTTP side of the API: an http::HttpServer on a host:port (over TLS
// when configured) that hands each request within its limits to an
// ApiRouter.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "service/api/api_router.h"
#include "service/api/sync_controller.h"
#include "service/http/http_server.h"
#include "service/metrics/registry.h"
#include "state/record_store.h"
#include "state/run_store.h"

namespace backflow::api {

class ApiServer {
 public:
  struct Options {
    std::string listen = "127.0.0.1:8080";  // host:port
    std::string auth_token;                 // one admin token named "admin"; empty: none
    std::vector<ApiToken> tokens;           // more tokens with their roles; none at all: no authentication
    state::AuditLog* audit = nullptr;       // where operator actions are recorded (null: the log only)
    http::HttpLimits limits;                // body: 64 KiB
    std::optional<http::TlsFiles> tls;      // set: HTTPS only
  };

  // Starts listening; throws std::runtime_error naming the address (or the
  // TLS file) when it cannot. Requests are served on the server's threads
  // until destruction. All references must outlive the server.
  ApiServer(Options options, SyncController& controller, const state::RunStore& runs, const state::RecordStore& records,
            metrics::Registry& metrics);

  // "http://host:port" (or https), for logs and clients.
  std::string base_url() const { return server_->base_url(); }

 private:
  Options options_;
  ApiRouter router_;
  std::unique_ptr<http::HttpServer> server_;  // last: stops before the router goes
};

}  // namespace backflow::api
