#include "destinations/delivery_target.h"

#include <algorithm>
#include <stdexcept>

namespace backflow::destinations {

void require_mode(const TargetContext& context, const std::vector<SyncMode>& modes) {
  if (std::find(modes.begin(), modes.end(), context.sync.mode) == modes.end()) {
    throw std::invalid_argument("destination '" + context.account.name + "' (" + context.account.type +
                                ") does not support mode " + std::string(to_string(context.sync.mode)));
  }
}

}  // namespace backflow::destinations
