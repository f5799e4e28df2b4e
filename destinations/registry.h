// The destination types this build knows (registered_types.h) and the keys
// every destination block shares. Static; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "destinations/destination_type.h"

namespace backflow::destinations {

// Every registered type, in documentation order.
const std::vector<const DestinationType*>& destination_types();

// The type of that name, or null.
const DestinationType* find_destination_type(std::string_view name);

// The names of all types, for suggestions and messages.
std::vector<std::string> destination_type_names();

// Keys every destination block accepts: type base_url rate_limit
// max_concurrency retry timeout.
const std::vector<std::string>& common_destination_keys();

// Keys every sync destination block accepts: name mode match_on on_delete.
const std::vector<std::string>& common_sync_destination_keys();

}  // namespace backflow::destinations
