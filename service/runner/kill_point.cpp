#include "service/runner/kill_point.h"

#include <csignal>
#include <cstdlib>
#include <string>

namespace backflow::runner {

void kill_point(std::string_view point) {
  static const char* setting = std::getenv("BACKFLOW_TEST_KILL_AT");
  if (setting == nullptr) return;
  static const std::string spec = setting;
  static long remaining = [] {
    const auto colon = spec.rfind(':');
    return colon == std::string::npos ? 1L : std::strtol(spec.c_str() + colon + 1, nullptr, 10);
  }();
  const auto colon = spec.rfind(':');
  if (std::string_view(spec).substr(0, colon) != point) return;
  if (--remaining <= 0) std::raise(SIGKILL);
}

}  // namespace backflow::runner
