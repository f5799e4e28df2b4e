// The delivery engine driving one request/response module: the target of
// every type whose API takes one request per batch.
#pragma once

#include <memory>

#include "destinations/delivery_target.h"
#include "destinations/destination_module.h"

namespace backflow::destinations {

// Checks the sync's mode against module->supported_modes() (require_mode)
// and returns the engine around it. Owns the module.
std::unique_ptr<DeliveryTarget> engine_target(const TargetContext& context,
                                              std::unique_ptr<DestinationModule> module);

}  // namespace backflow::destinations
