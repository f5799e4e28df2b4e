#include "destinations/salesforce/salesforce_config.h"

#include "destinations/destination_error.h"
#include "destinations/salesforce/salesforce_oauth.h"

namespace backflow::destinations {

namespace {

std::string text_option(const nlohmann::json& options, const char* name) {
  auto it = options.find(name);
  return it != options.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

SalesforceOptions salesforce_options(const DestinationSettings& settings, const Destination& account,
                                     const SyncDestination& sync) {
  SalesforceOptions options;
  options.settings = settings;
  if (auto instance = text_option(account.options, "instance_url"); !instance.empty()) options.settings.url = instance;
  options.settings.secret = text_option(account.options, "access_token");
  if (options.settings.secret.empty()) {
    SalesforceCredentials credentials;
    credentials.destination = settings.name;
    if (auto login = text_option(account.options, "login_url"); !login.empty()) credentials.login_url = login;
    credentials.client_id = text_option(account.options, "client_id");
    credentials.client_secret = text_option(account.options, "client_secret");
    credentials.refresh_token = text_option(account.options, "refresh_token");
    credentials.timeout = settings.total_timeout;
    if (credentials.client_id.empty()) {
      throw DestinationError("destination '" + settings.name +
                             "' (salesforce): without access_token, client_id (and refresh_token or "
                             "client_secret) are required for the OAuth token exchange");
    }
    SalesforceSession session = obtain_salesforce_session(credentials);
    options.settings.secret = session.access_token;
    if (options.settings.url.empty()) options.settings.url = session.instance_url;
  }
  if (auto version = text_option(account.options, "api_version"); !version.empty()) options.api_version = version;
  options.object = sync.object;
  options.external_id_field = text_option(sync.options, "external_id_field");
  if (options.external_id_field.empty() && sync.match_on) options.external_id_field = sync.match_on->field;
  return options;
}

std::unique_ptr<SalesforceDestination> make_salesforce_destination(const DestinationSettings& settings,
                                                                   const Destination& account,
                                                                   const SyncDestination& sync) {
  return std::make_unique<SalesforceDestination>(salesforce_options(settings, account, sync));
}

}  // namespace backflow::destinations
