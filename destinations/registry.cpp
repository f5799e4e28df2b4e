#include "destinations/registry.h"

namespace backflow::destinations {

#define BACKFLOW_DESTINATION_TYPE(name) const DestinationType& name##_type();
#include "destinations/registered_types.h"
#undef BACKFLOW_DESTINATION_TYPE

const std::vector<const DestinationType*>& destination_types() {
  // A table rather than self-registration: a static library drops
  // self-registering objects nobody references, and this is where a reader
  // looks for "which vendors exist".
  static const std::vector<const DestinationType*> types = {
#define BACKFLOW_DESTINATION_TYPE(name) &name##_type(),
#include "destinations/registered_types.h"
#undef BACKFLOW_DESTINATION_TYPE
  };
  return types;
}

const DestinationType* find_destination_type(std::string_view name) {
  for (const DestinationType* type : destination_types()) {
    if (type->name == name) return type;
  }
  return nullptr;
}

std::vector<std::string> destination_type_names() {
  std::vector<std::string> names;
  for (const DestinationType* type : destination_types()) names.push_back(type->name);
  return names;
}

const std::vector<std::string>& common_destination_keys() {
  static const std::vector<std::string> keys = {"type",  "base_url", "rate_limit", "max_concurrency",
                                                "retry", "timeout"};
  return keys;
}

const std::vector<std::string>& common_sync_destination_keys() {
  static const std::vector<std::string> keys = {"name", "mode", "match_on", "on_delete"};
  return keys;
}

}  // namespace backflow::destinations
