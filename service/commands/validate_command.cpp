// `backflow validate -c FILE [--check-sources]`: reports every config error
// as FILE:LINE:COL: error: KEY.PATH: message, or a one-line summary.
#include <variant>

#include "service/commands/commands.h"
#include "service/config/config_loader.h"

namespace backflow::cli {
namespace {

std::string plural(std::size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

std::string summary(const config::Config& config) {
  std::size_t manual = 0;
  for (const auto& sync : config.syncs) {
    if (std::holds_alternative<config::ManualSchedule>(sync.schedule)) ++manual;
  }
  return "config OK: " + plural(config.warehouses.size(), "warehouse") + ", " +
         plural(config.destinations.size(), "destination") + ", " + plural(config.syncs.size(), "sync") + " (" +
         std::to_string(config.syncs.size() - manual) + " scheduled, " + std::to_string(manual) + " manual)";
}

}  // namespace

int command_validate(const Args& args, std::ostream& out, std::ostream& err) {
  if (!args.has("--config") || args.get("--config").empty() || !args.positional.empty()) {
    err << "usage: backflow validate -c FILE [--check-sources]\n";
    return kExitUsage;
  }
  auto result = config::load_config(args.get("--config"));
  if (!result.ok()) {
    for (const auto& diagnostic : result.diagnostics) err << config::format_diagnostic(diagnostic) << "\n";
    err << plural(result.diagnostics.size(), "error") << " in " << args.get("--config") << "\n";
    return kExitUsage;
  }
  if (args.has("--check-sources")) err << "source checks need the warehouse reader; skipped\n";
  out << summary(*result.config) << "\n";
  return kExitOk;
}

}  // namespace backflow::cli
