// The JSON shapes of the API's resources (docs/api.md). Runs are the run
// record's own JSON (state/run_record.h) so the API and `run --json` agree.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "service/api/sync_controller.h"
#include "state/record_store.h"
#include "state/run_record.h"

namespace backflow::api {

// A sync with its health, last run and the history of `recent_runs`
// (newest first; the history is returned oldest first, for charts).
nlohmann::json sync_to_json(const SyncSummary& sync, const std::vector<state::RunRecord>& recent_runs);

nlohmann::json run_to_json(const state::RunRecord& run);
nlohmann::json record_to_json(const state::RecordResult& record);

// `{"error": {"code": ..., "message": ...}}`
nlohmann::json error_json(const std::string& code, const std::string& message);

// Serialises for a response; invalid UTF-8 (record keys and vendor messages
// are not guaranteed to be valid) is replaced rather than thrown on.
std::string dump_json(const nlohmann::json& value);

}  // namespace backflow::api
