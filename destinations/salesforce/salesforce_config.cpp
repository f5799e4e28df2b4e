#include "destinations/salesforce/salesforce_config.h"

#include "destinations/destination_error.h"

namespace backflow::destinations {

namespace {

std::string text_option(const nlohmann::json& options, const char* name) {
  auto it = options.find(name);
  return it != options.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::unique_ptr<SalesforceDestination> make_salesforce_destination(const DestinationSettings& settings,
                                                                   const config::Destination& account,
                                                                   const config::SyncDestination& sync) {
  SalesforceOptions options;
  options.settings = settings;
  if (auto instance = text_option(account.options, "instance_url"); !instance.empty()) options.settings.url = instance;
  options.settings.secret = text_option(account.options, "access_token");
  if (options.settings.secret.empty()) {
    throw DestinationError("destination '" + settings.name +
                           "' (salesforce): set access_token and instance_url; the OAuth refresh-token and "
                           "client-credentials exchange is not supported yet");
  }
  if (auto version = text_option(account.options, "api_version"); !version.empty()) options.api_version = version;
  options.object = sync.object;
  options.external_id_field = text_option(sync.options, "external_id_field");
  if (options.external_id_field.empty() && sync.match_on) options.external_id_field = sync.match_on->field;
  return std::make_unique<SalesforceDestination>(std::move(options));
}

}  // namespace backflow::destinations
