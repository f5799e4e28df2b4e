#include "service/commands/service_client.h"

namespace backflow::cli {

ServiceClient::ServiceClient(std::string base_url, std::string token)
    : base_url_(std::move(base_url)),
      token_(std::move(token)),
      http_(destinations::HttpClientOptions{std::chrono::seconds(5), std::chrono::seconds(30), 1}) {}

nlohmann::json ServiceClient::call(const std::string& method, const std::string& path, const std::string& body) {
  destinations::HttpRequest request;
  request.method = method;
  request.url = base_url_ + path;
  request.body = body;
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  if (!token_.empty()) request.headers.emplace_back("Authorization", "Bearer " + token_);
  const std::uint64_t id = http_.start(std::move(request));
  for (;;) {
    for (auto& [finished, response] : http_.poll(std::chrono::milliseconds(200))) {
      if (finished != id) continue;
      if (response.transport_error != destinations::TransportError::None) {
        throw ServiceError("backflow serve at " + base_url_ + " did not answer " + method + " " + path + ": " +
                               response.error_message,
                           0);
      }
      nlohmann::json json = nlohmann::json::parse(response.body, nullptr, false);
      if (response.status / 100 == 2 && !json.is_discarded()) return json;
      std::string message = "HTTP " + std::to_string(response.status);
      if (!json.is_discarded() && json.contains("error")) message += ": " + json["error"].value("message", "");
      throw ServiceError("backflow serve at " + base_url_ + " refused " + method + " " + path + " (" + message + ")",
                         static_cast<int>(response.status));
    }
  }
}

}  // namespace backflow::cli
