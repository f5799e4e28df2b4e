// Salesforce's OAuth 2.0 token endpoint: trades a refresh token (or a
// connected app's client credentials) for an access token and the org's
// instance URL. Used when a destination configures no access_token.
#pragma once

#include <chrono>
#include <string>

namespace backflow::destinations {

struct SalesforceCredentials {
  std::string destination;  // the destination's name, for messages
  std::string login_url = "https://login.salesforce.com";
  std::string client_id;
  std::string client_secret;  // secret
  std::string refresh_token;  // secret; empty: the client-credentials flow
  std::chrono::milliseconds timeout{30000};
};

struct SalesforceSession {
  std::string access_token;
  std::string instance_url;
};

// POST <login_url>/services/oauth2/token (form-encoded, grant_type
// refresh_token or client_credentials). Throws DestinationAuthError when
// Salesforce refuses the grant (its error and error_description quoted,
// secrets never), DestinationError for transport failures and unreadable
// answers. Blocks the calling thread.
SalesforceSession obtain_salesforce_session(const SalesforceCredentials& credentials);

}  // namespace backflow::destinations
