#include "service/api/api_server.h"

namespace backflow::api {

ApiServer::ApiServer(Options options, SyncController& controller, const state::RunStore& runs,
                     const state::RecordStore& records, metrics::Registry& metrics)
    : options_(std::move(options)), router_(controller, runs, records, metrics, options_.auth_token) {
  server_ = std::make_unique<http::HttpServer>(
      options_.listen, options_.limits, options_.tls, [this](const http::HttpRequest& request) {
        ApiRequest api;
        api.method = request.method;
        api.path = request.path;
        api.query = request.query;
        api.authorization = request.header("Authorization");
        api.body = request.body;
        return router_.handle(api);
      });
}

}  // namespace backflow::api
