// Builds the destination module for a config destination, by type. The
// table of builders lives in module_factory.cpp: a vendor module adds one
// line there (its type and a builder). Kept explicit rather than
// self-registering so the linker never drops a module from the static library.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "destinations/destination_module.h"
#include "destinations/destination_settings.h"
#include "service/config/config.h"

namespace backflow::destinations {

// What a builder gets: the account's engine settings (already filled from
// the config by settings_from_config), the account's config block (its
// type-specific `options`) and the sync's `destination:` block (object,
// match_on, type-specific sync options). References live for the call only.
struct ModuleContext {
  const DestinationSettings& settings;
  const config::Destination& account;
  const config::SyncDestination& sync;
};

using ModuleBuilder = std::function<std::unique_ptr<DestinationModule>(const ModuleContext&)>;

struct ModuleFactoryEntry {
  std::string type;  // as in destinations/catalog.h
  ModuleBuilder build;
};

// Every type that has a delivery module. Static; thread-safe.
const std::vector<ModuleFactoryEntry>& module_factory_entries();

// Engine settings for a config destination: name, type, url (options.url or
// base_url), headers, secret (options.secret / token / api_key), batch_size,
// max_bytes, rate_limit, max_concurrency, retry and timeout.
DestinationSettings settings_from_config(const config::Destination& account);

// The module for `account` as used by `sync`. Throws DestinationError when the
// type has no delivery module yet (naming the destination and the types that
// do), or whatever the builder throws for bad settings.
std::unique_ptr<DestinationModule> make_module(const DestinationSettings& settings,
                                               const config::Destination& account,
                                               const config::SyncDestination& sync);

// The delivery engine's mode for a config mode.
SyncMode to_delivery_mode(config::SyncMode mode);

}  // namespace backflow::destinations
