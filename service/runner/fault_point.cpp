#include "service/runner/fault_point.h"

#include <cstdlib>
#include <string>

namespace backflow::runner {

std::optional<std::uint64_t> fault_setting(std::string_view fault) {
  const char* setting = std::getenv("BACKFLOW_TEST_FAULT");
  if (setting == nullptr) return std::nullopt;
  const std::string_view spec(setting);
  const auto colon = spec.rfind(':');
  if (colon == std::string_view::npos || spec.substr(0, colon) != fault) return std::nullopt;
  return std::strtoull(setting + colon + 1, nullptr, 10);
}

}  // namespace backflow::runner
