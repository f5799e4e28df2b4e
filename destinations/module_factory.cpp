#include "destinations/module_factory.h"

#include "destinations/destination_error.h"
#include "destinations/braze/braze_destination.h"
#include "destinations/hubspot/hubspot_config.h"
#include "destinations/intercom/intercom_destination.h"
#include "destinations/iterable/iterable_destination.h"
#include "destinations/salesforce/salesforce_config.h"
#include "destinations/webhook/webhook_destination.h"

namespace backflow::destinations {

namespace {

const nlohmann::json* option(const config::Destination& account, std::string_view name) {
  auto it = account.options.find(std::string(name));
  if (it == account.options.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string option_text(const config::Destination& account, std::string_view name) {
  const nlohmann::json* value = option(account, name);
  if (value == nullptr) return {};
  if (value->is_string()) return value->get<std::string>();
  return value->dump();
}

// A sync-level option (`destination:` block) as text, "" when absent.
std::string sync_option_text(const config::SyncDestination& sync, std::string_view name) {
  auto it = sync.options.find(std::string(name));
  if (it == sync.options.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::size_t option_size(const config::Destination& account, std::string_view name) {
  const nlohmann::json* value = option(account, name);
  if (value == nullptr) return 0;
  if (value->is_number_unsigned()) return value->get<std::size_t>();
  if (value->is_number_integer()) return static_cast<std::size_t>(std::max<std::int64_t>(0, value->get<std::int64_t>()));
  if (value->is_string()) {
    try {
      return static_cast<std::size_t>(std::stoull(value->get<std::string>()));
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

}  // namespace

// One line per type with a delivery module. Vendor modules add theirs here.
const std::vector<ModuleFactoryEntry>& module_factory_entries() {
  static const std::vector<ModuleFactoryEntry> entries = {
      {"webhook",
       [](const ModuleContext& context) -> std::unique_ptr<DestinationModule> {
         return std::make_unique<WebhookDestination>(context.settings);
       }},
      {"hubspot",
       [](const ModuleContext& context) -> std::unique_ptr<DestinationModule> {
         return make_hubspot_destination(context.settings, context.sync);
       }},
      {"salesforce",
       [](const ModuleContext& context) -> std::unique_ptr<DestinationModule> {
         return make_salesforce_destination(context.settings, context.account, context.sync);
       }},
      {"braze",
       [](const ModuleContext& context) -> std::unique_ptr<DestinationModule> {
         BrazeOptions options;
         if (context.sync.match_on) options.identify_by = context.sync.match_on->field;
         options.event_name = sync_option_text(context.sync, "event_name");
         return std::make_unique<BrazeDestination>(context.settings, options);
       }},
      {"iterable",
       [](const ModuleContext& context) -> std::unique_ptr<DestinationModule> {
         IterableOptions options;
         if (context.sync.match_on) options.identify_by = context.sync.match_on->field;
         options.event_name = sync_option_text(context.sync, "event_name");
         return std::make_unique<IterableDestination>(context.settings, options);
       }},
      {"intercom",
       [](const ModuleContext& context) -> std::unique_ptr<DestinationModule> {
         IntercomOptions options;
         if (context.sync.match_on) options.identify_by = context.sync.match_on->field;
         if (std::string version = option_text(context.account, "intercom_version"); !version.empty()) {
           options.intercom_version = version;
         }
         if (!context.sync.object.empty()) options.object = context.sync.object;
         options.create_missing = context.sync.mode != config::SyncMode::update;
         return std::make_unique<IntercomDestination>(context.settings, options);
       }},
  };
  return entries;
}

DestinationSettings settings_from_config(const config::Destination& account) {
  DestinationSettings settings;
  settings.name = account.name;
  settings.type = account.type;
  settings.url = option_text(account, "url");
  if (settings.url.empty() && account.base_url) settings.url = *account.base_url;
  if (const nlohmann::json* headers = option(account, "headers"); headers != nullptr && headers->is_object()) {
    for (const auto& [name, value] : headers->items()) {
      settings.headers.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  for (const char* name : {"secret", "token", "api_key", "access_token"}) {
    settings.secret = option_text(account, name);
    if (!settings.secret.empty()) break;
  }
  settings.batch_size = option_size(account, "batch_size");
  settings.max_bytes = option_size(account, "max_bytes");
  if (account.rate_limit) {
    settings.rate_limit = RateLimit{account.rate_limit->requests, account.rate_limit->per};
  }
  if (account.max_concurrency) settings.max_concurrency = *account.max_concurrency;
  if (account.retry.max_attempts) settings.retry.max_attempts = static_cast<int>(*account.retry.max_attempts);
  if (account.retry.base_delay) settings.retry.base_delay = *account.retry.base_delay;
  if (account.retry.max_delay) settings.retry.max_delay = *account.retry.max_delay;
  if (account.timeout) settings.total_timeout = *account.timeout;
  return settings;
}

std::unique_ptr<DestinationModule> make_module(const DestinationSettings& settings,
                                               const config::Destination& account,
                                               const config::SyncDestination& sync) {
  for (const ModuleFactoryEntry& entry : module_factory_entries()) {
    if (entry.type == account.type) return entry.build(ModuleContext{settings, account, sync});
  }
  std::string known;
  for (const ModuleFactoryEntry& entry : module_factory_entries()) {
    known += (known.empty() ? "" : ", ") + entry.type;
  }
  throw DestinationError("destination '" + account.name + "': type '" + account.type +
                         "' has no delivery module in this build (available: " + known + ")");
}

SyncMode to_delivery_mode(config::SyncMode mode) {
  switch (mode) {
    case config::SyncMode::upsert: return SyncMode::Upsert;
    case config::SyncMode::update: return SyncMode::Update;
    case config::SyncMode::insert: return SyncMode::Insert;
    case config::SyncMode::mirror: return SyncMode::Mirror;
    case config::SyncMode::append: return SyncMode::Append;
  }
  return SyncMode::Upsert;
}

}  // namespace backflow::destinations
