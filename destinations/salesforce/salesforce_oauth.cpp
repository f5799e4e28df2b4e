#include "destinations/salesforce/salesforce_oauth.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "destinations/destination_error.h"
#include "common/text.h"
#include "destinations/http_client.h"

namespace backflow::destinations {

SalesforceSession obtain_salesforce_session(const SalesforceCredentials& credentials) {
  const std::string where = "destination '" + credentials.destination + "' (salesforce): ";
  std::string url = credentials.login_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  HttpRequest request;
  request.method = "POST";
  request.url = url + "/services/oauth2/token";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  if (!credentials.refresh_token.empty()) {
    request.body = "grant_type=refresh_token&refresh_token=" + text::percent_encode(credentials.refresh_token);
  } else {
    request.body = "grant_type=client_credentials";
  }
  request.body += "&client_id=" + text::percent_encode(credentials.client_id);
  if (!credentials.client_secret.empty()) request.body += "&client_secret=" + text::percent_encode(credentials.client_secret);

  HttpClientOptions options;
  options.total_timeout = credentials.timeout;
  HttpClient client(options);
  client.start(std::move(request));
  HttpResponse response;
  for (bool done = false; !done;) {
    for (auto& [id, finished] : client.poll(std::chrono::milliseconds(200))) {
      (void)id;
      response = std::move(finished);
      done = true;
    }
  }
  if (response.transport_error != TransportError::None) {
    throw DestinationError(where + "token request to " + url + " failed: " + response.error_message);
  }
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status == 400 || response.status == 401 || response.status == 403) {
    std::string reason = body.is_object() ? body.value("error", std::string("refused")) + ": " +
                                                body.value("error_description", std::string())
                                          : response.body.substr(0, 200);
    throw DestinationAuthError(where + "Salesforce refused the OAuth grant at " + url + " (HTTP " +
                                   std::to_string(response.status) + ", " + reason +
                                   "); check client_id, client_secret and refresh_token",
                               response.status);
  }
  if (response.status != 200 || !body.is_object() || !body.contains("access_token") ||
      !body.contains("instance_url")) {
    throw DestinationError(where + "unexpected answer from " + url + "/services/oauth2/token: HTTP " +
                           std::to_string(response.status));
  }
  return SalesforceSession{body["access_token"].get<std::string>(), body["instance_url"].get<std::string>()};
}

}  // namespace backflow::destinations
