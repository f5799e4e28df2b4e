#include "service/api/api_server.h"

namespace backflow::api {
namespace {

std::vector<ApiToken> all_tokens(const ApiServer::Options& options) {
  std::vector<ApiToken> tokens = options.tokens;
  if (!options.auth_token.empty()) tokens.push_back(ApiToken{"admin", options.auth_token, Role::admin});
  return tokens;
}

}  // namespace

ApiServer::ApiServer(Options options, SyncController& controller, const state::RunStore& runs,
                     const state::RecordStore& records, metrics::Registry& metrics)
    : options_(std::move(options)),
      router_(controller, runs, records, metrics, all_tokens(options_), options_.audit) {
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
