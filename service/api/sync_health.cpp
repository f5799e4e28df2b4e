#include "service/api/sync_health.h"

namespace backflow::api {

std::string_view sync_health(const SyncSummary& sync, const std::vector<state::RunRecord>& recent_runs) {
  using state::RunPhase;
  if (sync.paused) return "paused";
  for (const auto& run : recent_runs) {
    switch (run.phase) {
      case RunPhase::Succeeded:
        return "healthy";
      case RunPhase::Partial:
        return "degraded";
      case RunPhase::Failed:
        return "failing";
      case RunPhase::Blocked:
        return "blocked";
      default:
        break;  // running, queued or cancelled: look further back
    }
  }
  return "never_run";
}

}  // namespace backflow::api
