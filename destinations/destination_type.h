// A destination type's descriptor: everything the rest of backflow needs to
// know about one vendor, in one place (its folder, destinations/<type>/).
// The config loader reads the keys, modes, identifiers and value checks;
// `validate` and the docs read the same; the runner builds the type's
// delivery through make_target. The registry (registry.h) lists them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/source_location.h"
#include "destinations/delivery_target.h"
#include "destinations/destination_config.h"
#include "mappers/mapping_spec.h"

namespace backflow::destinations {

// What a type-specific key holds, for type checking in the loader.
enum class OptionKind {
  string,      // a scalar, kept as text
  integer,     // a non-negative whole number
  boolean,     // true / false
  duration,    // "10s", "1m" (common/duration.h)
  string_map,  // a map of string keys to scalar values (e.g. HTTP headers)
};

enum class Requirement {
  optional,
  required,
  required_for_append,  // required when the sync's mode is append
};

struct OptionSpec {
  std::string name;
  OptionKind kind = OptionKind::string;
  Requirement requirement = Requirement::optional;
  bool secret = false;               // redact everywhere
  std::vector<std::string> choices;  // for strings: the allowed values; empty = any
  // For integers: the range the vendor accepts, and why (said in the error,
  // e.g. "Klaviyo imports at most 10,000 profiles per job"). max 0 = none.
  std::uint64_t min = 0;
  std::uint64_t max = 0;
  std::string range_reason;
};

// A value a type cannot work with, found by one of its checks. `key` is the
// dotted path inside the checked block ("revision", "match_on.field");
// `location`, when set, points at something else (a mapping entry). The
// message never quotes a secret-bearing value.
struct ConfigProblem {
  ConfigProblem(std::string key_, std::string message_, std::string suggestion_ = {},
                std::optional<SourceLocation> location_ = std::nullopt)
      : key(std::move(key_)),
        message(std::move(message_)),
        suggestion(std::move(suggestion_)),
        location(std::move(location_)) {}

  std::string key;
  std::string message;
  std::string suggestion;  // "did you mean" text, or ""
  std::optional<SourceLocation> location;
};
using ConfigProblems = std::vector<ConfigProblem>;

struct DestinationType {
  std::string name;                // the `type:` value
  std::vector<SyncMode> modes;     // the modes it supports
  // Keys of the `destinations.<name>` block besides the common ones.
  std::vector<OptionSpec> options;
  // Groups of keys of which at least one must be set (e.g. Salesforce's
  // access_token or refresh_token).
  std::vector<std::vector<std::string>> one_of;
  // Keys of a sync's `destination:` block besides the common ones (name,
  // mode, match_on, on_delete). "object" lands in SyncDestination::object.
  std::vector<OptionSpec> sync_options;
  // Whether the destination can delete records (on_delete: delete, mirror).
  bool can_delete = true;
  // The fields `match_on.field` may name (how the vendor identifies a
  // record); empty = any field.
  std::vector<std::string> identifiers;
  // When set, a sync must not give match_on, and this says why.
  std::string match_on_refused;
  // Whether records are addressed by the vendor's id once written (the
  // runner then keeps the id per key: state::DestinationIdStore).
  bool uses_vendor_ids = false;

  // Checks of values beyond their kind and range (their form, what the
  // vendor knows), each reporting keys relative to the block it checks: the
  // account's block, the sync's `destination:` block, the sync's `mapping:`
  // (with each problem's location set). Null = none.
  std::function<void(const Destination& account, ConfigProblems& problems)> check_account;
  std::function<void(const SyncDestination& sync, ConfigProblems& problems)> check_sync;
  std::function<void(const mappers::MappingSpec& mapping, ConfigProblems& problems)> check_mapping;

  // The delivery for one run. Throws std::invalid_argument when the type
  // does not support the sync's mode, DestinationError for settings it cannot
  // work with (DestinationAuthError when an OAuth grant is refused).
  std::function<std::unique_ptr<DeliveryTarget>(const TargetContext& context)> make_target;
};

bool supports_mode(const DestinationType& type, SyncMode mode);

// Shorthands for a descriptor's key lists.
OptionSpec key(std::string name, OptionKind kind = OptionKind::string, Requirement requirement = Requirement::optional);
OptionSpec secret_key(std::string name, Requirement requirement = Requirement::optional);
OptionSpec choice_key(std::string name, std::vector<std::string> choices);
// An integer key the vendor bounds: from min to max, `reason` said when outside.
OptionSpec bounded_key(std::string name, std::uint64_t min, std::uint64_t max, std::string reason);

// Every mode: upsert update insert mirror append.
std::vector<SyncMode> all_modes();

}  // namespace backflow::destinations
