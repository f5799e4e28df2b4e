// Reading a destination's validated config (Destination::options, the
// sync's SyncDestination::options) in a type's descriptor, and the engine
// settings every type starts from. The loader has checked kinds and ranges,
// so these only pick values out; absent keys give the documented empty value.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "destinations/destination_config.h"
#include "destinations/destination_settings.h"

namespace backflow::destinations {

// A string key's text; a number or boolean as its JSON text; "" when absent.
std::string text_option(const nlohmann::json& options, std::string_view name);

// A whole-number key; 0 when absent or not a number.
std::uint64_t number_option(const nlohmann::json& options, std::string_view name);

// A boolean key, or nullopt when absent.
std::optional<bool> bool_option(const nlohmann::json& options, std::string_view name);

// A duration key (kept as its text by the loader), or nullopt when absent.
std::optional<std::chrono::milliseconds> duration_option(const nlohmann::json& options, std::string_view name);

// Engine settings for a config destination: name, type, url (options.url or
// base_url), headers, secret (options.secret / token / api_key /
// access_token), batch_size, max_bytes, rate_limit, max_concurrency, retry
// and timeout.
DestinationSettings settings_from_config(const Destination& account);

}  // namespace backflow::destinations
