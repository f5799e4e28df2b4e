// The one-word verdict on a sync that the dashboard shows as a badge.
#pragma once

#include <string_view>
#include <vector>

#include "service/api/sync_controller.h"
#include "state/run_record.h"

namespace backflow::api {

// "paused" when paused; otherwise judged by the newest run that reached a
// verdict (succeeded, partial, failed or blocked; cancelled runs say
// nothing about health): "healthy", "degraded" (partial: some records were
// not accepted), "failing", "blocked", or "never_run" when there is none. `recent_runs` newest first.
std::string_view sync_health(const SyncSummary& sync, const std::vector<state::RunRecord>& recent_runs);

}  // namespace backflow::api
