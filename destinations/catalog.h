// The destination types a config may name, and the keys each accepts.
// This table is about config validation only: the delivery modules own their
// payloads, batch limits and rate limits.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "service/config/config.h"

namespace backflow::destinations {

// What a type-specific key holds, for type checking in the loader.
enum class OptionKind {
  string,      // a scalar, kept as text
  integer,     // a non-negative whole number
  boolean,     // true / false
  duration,    // "10s", "1m" (schedule/duration.h)
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
};

struct DestinationType {
  std::string name;
  std::vector<config::SyncMode> modes;  // the modes it supports
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
};

// Every known type, in documentation order. Static; thread-safe.
const std::vector<DestinationType>& destination_types();

// The type of that name, or null.
const DestinationType* find_destination_type(std::string_view name);

// The names of all types, for suggestions and messages.
std::vector<std::string> destination_type_names();

// Keys every destination block accepts: type base_url rate_limit
// max_concurrency retry timeout.
const std::vector<std::string>& common_destination_keys();

// Keys every sync destination block accepts: name mode match_on on_delete.
const std::vector<std::string>& common_sync_destination_keys();

bool supports_mode(const DestinationType& type, config::SyncMode mode);

}  // namespace backflow::destinations
