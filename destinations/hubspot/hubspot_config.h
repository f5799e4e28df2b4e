// Builds the HubSpot module from a config destination and the sync that uses
// it (what hubspot_type.cpp's make_target calls).
#pragma once

#include <memory>

#include "destinations/hubspot/hubspot_destination.h"
#include "destinations/destination_config.h"

namespace backflow::destinations {

// `settings` as settings_from_config() filled them (url, token, batch_size,
// rate limit ...); the object and idProperty come from the sync's
// `destination:` block (object, match_on.field). Throws DestinationError.
std::unique_ptr<HubSpotDestination> make_hubspot_destination(const DestinationSettings& settings,
                                                             const SyncDestination& sync);

}  // namespace backflow::destinations
