// The HTTP side of the API: listens on a host:port with cpprestsdk's
// http_listener and hands each request to an ApiRouter. Request bodies over
// the limit are refused with 413 before the router sees them.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "service/api/api_router.h"
#include "service/api/sync_controller.h"
#include "service/metrics/registry.h"
#include "state/record_store.h"
#include "state/run_store.h"

namespace backflow::api {

class ApiServer {
 public:
  struct Options {
    std::string listen = "127.0.0.1:8080";  // host:port
    std::string auth_token;                 // empty: no authentication
    std::size_t max_body_bytes = 64 * 1024;
  };

  // Starts listening; throws std::runtime_error naming the address when it
  // cannot. Requests are served on cpprestsdk's threads until destruction.
  // All references must outlive the server.
  ApiServer(Options options, SyncController& controller, const state::RunStore& runs, const state::RecordStore& records,
            metrics::Registry& metrics);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // "http://host:port", for logs and clients.
  std::string base_url() const { return "http://" + options_.listen; }

 private:
  struct Listener;
  Options options_;
  ApiRouter router_;
  std::unique_ptr<Listener> listener_;
};

}  // namespace backflow::api
