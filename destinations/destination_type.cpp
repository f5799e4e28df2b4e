#include "destinations/destination_type.h"

#include <algorithm>

namespace backflow::destinations {

bool supports_mode(const DestinationType& type, SyncMode mode) {
  return std::find(type.modes.begin(), type.modes.end(), mode) != type.modes.end();
}

OptionSpec key(std::string name, OptionKind kind, Requirement requirement) {
  OptionSpec spec;
  spec.name = std::move(name);
  spec.kind = kind;
  spec.requirement = requirement;
  return spec;
}

OptionSpec secret_key(std::string name, Requirement requirement) {
  OptionSpec spec = key(std::move(name), OptionKind::string, requirement);
  spec.secret = true;
  return spec;
}

OptionSpec choice_key(std::string name, std::vector<std::string> choices) {
  OptionSpec spec = key(std::move(name));
  spec.choices = std::move(choices);
  return spec;
}

OptionSpec bounded_key(std::string name, std::uint64_t min, std::uint64_t max, std::string reason) {
  OptionSpec spec = key(std::move(name), OptionKind::integer);
  spec.min = min;
  spec.max = max;
  spec.range_reason = std::move(reason);
  return spec;
}

std::vector<SyncMode> all_modes() {
  return {SyncMode::upsert, SyncMode::update, SyncMode::insert, SyncMode::mirror, SyncMode::append};
}

}  // namespace backflow::destinations
