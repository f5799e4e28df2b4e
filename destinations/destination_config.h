// A destination account's config block (`destinations.<name>`) and a sync's
// `destination:` block, as the config loader parsed and validated them.
// Plain data; defined here because destination types read them (their
// descriptors build their delivery from these) and the loader only fills them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/source_location.h"
#include "destinations/destination_settings.h"
#include "destinations/sync_mode.h"

namespace backflow::destinations {

// Delivery retries inside one run (HTTP 429/5xx/timeouts). Unset values
// mean "the destination type's default" (RetryPolicySettings).
struct DeliveryRetry {
  std::optional<std::uint32_t> max_attempts;
  std::optional<std::chrono::milliseconds> base_delay;
  std::optional<std::chrono::milliseconds> max_delay;
};

struct Destination {
  std::string name;
  std::string type;  // a registered type (destinations/registry.h)
  std::optional<std::string> base_url;
  std::optional<RateLimit> rate_limit;
  std::optional<std::uint32_t> max_concurrency;
  DeliveryRetry retry;
  std::optional<std::chrono::milliseconds> timeout;
  // The type-specific keys (token, url, headers, ...) as written, after
  // ${...} substitution: a JSON object. Durations stay strings.
  nlohmann::json options = nlohmann::json::object();
  // Which keys of `options` hold secrets: redact them everywhere.
  std::vector<std::string> secret_keys;
  SourceLocation location;
};

struct MatchOn {
  std::string field;   // the destination's identifying field
  std::string column;  // the model column holding its value
};

// A sync's `destination:` block.
struct SyncDestination {
  std::string name;    // a Destination's name
  std::string object;  // e.g. "contacts"; empty when the type has none
  SyncMode mode = SyncMode::upsert;
  std::optional<MatchOn> match_on;
  OnDelete on_delete = OnDelete::nothing;
  // Type-specific sync-level keys (table, list_id, event_name, ...).
  nlohmann::json options = nlohmann::json::object();
  SourceLocation location;  // of the `destination:` key
};

}  // namespace backflow::destinations
