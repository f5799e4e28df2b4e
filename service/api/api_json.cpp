#include "service/api/api_json.h"

#include "service/api/sync_health.h"

namespace backflow::api {
namespace {

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// The few numbers a history chart plots, per run.
nlohmann::json history_point(const state::RunRecord& run) {
  return {{"id", run.id},
          {"phase", state::to_string(run.phase)},
          {"started_at_ms", run.started_at_ms},
          {"ended_at_ms", run.ended_at_ms},
          {"added", run.counts.added},
          {"changed", run.counts.changed},
          {"removed", run.counts.removed},
          {"rejected", run.counts.rejected},
          {"undelivered", run.counts.undelivered},
          {"accepted", run.counts.accepted},
          {"invalid", run.counts.invalid}};
}

}  // namespace

nlohmann::json sync_to_json(const SyncSummary& sync, const std::vector<state::RunRecord>& recent_runs) {
  nlohmann::json history = nlohmann::json::array();
  for (auto it = recent_runs.rbegin(); it != recent_runs.rend(); ++it) history.push_back(history_point(*it));
  return {
      {"name", sync.name},
      {"source", sync.source},
      {"destination", sync.destination},
      {"object", sync.object},
      {"mode", sync.mode},
      {"schedule", sync.schedule},
      {"paused", sync.paused},
      {"state", sync.state},
      {"current_run_id", optional_json(sync.current_run_id)},
      {"next_run_at_ms", sync.next_run_ms ? nlohmann::json(*sync.next_run_ms) : nlohmann::json(nullptr)},
      {"health", sync_health(sync, recent_runs)},
      {"failing_records", sync.failing_records},
      {"dead_records", sync.dead_records},
      {"last_run", recent_runs.empty() ? nlohmann::json(nullptr) : run_to_json(recent_runs.front())},
      {"history", std::move(history)},
  };
}

nlohmann::json run_to_json(const state::RunRecord& run) {
  nlohmann::json json = state::to_json(run);
  json["duration_ms"] = run.ended_at_ms > 0 ? run.ended_at_ms - run.started_at_ms : 0;
  json["finished"] = state::is_terminal(run.phase);
  return json;
}

nlohmann::json record_to_json(const state::RecordResult& record) { return state::to_json(record); }

nlohmann::json error_json(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace backflow::api
