#include "destinations/intercom/intercom_contact_ids.h"

namespace backflow::destinations {

std::optional<std::string> IntercomContactIds::find(const std::string& identifier) const {
  std::lock_guard lock(mutex_);
  auto it = ids_.find(identifier);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void IntercomContactIds::remember(const std::string& identifier, std::string intercom_id) {
  std::lock_guard lock(mutex_);
  ids_[identifier] = std::move(intercom_id);
}

void IntercomContactIds::forget(const std::string& identifier) {
  std::lock_guard lock(mutex_);
  ids_.erase(identifier);
}

}  // namespace backflow::destinations
