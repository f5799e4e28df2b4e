#include "destinations/hubspot/hubspot_config.h"

namespace backflow::destinations {

std::unique_ptr<HubSpotDestination> make_hubspot_destination(const DestinationSettings& settings,
                                                             const SyncDestination& sync) {
  HubSpotOptions options{settings, sync.object, sync.match_on ? sync.match_on->field : std::string()};
  return std::make_unique<HubSpotDestination>(std::move(options));
}

}  // namespace backflow::destinations
