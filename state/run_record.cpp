#include "state/run_record.h"

#include <array>
#include <utility>

namespace backflow::state {
namespace {

constexpr std::array<std::pair<RunPhase, std::string_view>, 13> kPhases = {{
    {RunPhase::Queued, "queued"}, {RunPhase::Preflight, "preflight"}, {RunPhase::Snapshot, "snapshot"},
    {RunPhase::Diff, "diff"}, {RunPhase::Guard, "guard"}, {RunPhase::Deliver, "deliver"},
    {RunPhase::Commit, "commit"}, {RunPhase::Succeeded, "succeeded"}, {RunPhase::Partial, "partial"},
    {RunPhase::Blocked, "blocked"},
    {RunPhase::Failed, "failed"}, {RunPhase::Cancelled, "cancelled"}, {RunPhase::Paused, "paused"},
}};

constexpr std::array<std::pair<RunTrigger, std::string_view>, 4> kTriggers = {{
    {RunTrigger::Manual, "manual"}, {RunTrigger::Schedule, "schedule"}, {RunTrigger::Api, "api"},
    {RunTrigger::Resync, "resync"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::pair<Enum, std::string_view>, N>& table,
                               std::string_view text) {
  for (const auto& [e, name] : table) {
    if (name == text) return e;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(RunPhase phase) { return name_of(kPhases, phase); }
std::optional<RunPhase> parse_run_phase(std::string_view text) { return parse_name(kPhases, text); }
bool is_terminal(RunPhase phase) {
  return is_completed(phase) || phase == RunPhase::Blocked || phase == RunPhase::Failed ||
         phase == RunPhase::Cancelled;
}
bool is_completed(RunPhase phase) { return phase == RunPhase::Succeeded || phase == RunPhase::Partial; }
std::string_view to_string(RunTrigger trigger) { return name_of(kTriggers, trigger); }
std::optional<RunTrigger> parse_run_trigger(std::string_view text) { return parse_name(kTriggers, text); }

nlohmann::json to_json(const RunRecord& run) {
  const RunCounts& c = run.counts;
  return {
      {"id", run.id},
      {"sync", run.sync},
      {"trigger", to_string(run.trigger)},
      {"phase", to_string(run.phase)},
      {"full_resync", run.full_resync},
      {"force", run.force},
      {"started_at_ms", run.started_at_ms},
      {"ended_at_ms", run.ended_at_ms},
      {"phase_ms", run.phase_ms},
      {"counts",
       {{"rows_read", c.rows_read}, {"model_rows", c.model_rows}, {"added", c.added}, {"changed", c.changed}, {"removed", c.removed},
        {"invalid", c.invalid}, {"sent", c.sent}, {"accepted", c.accepted}, {"rejected", c.rejected},
        {"undelivered", c.undelivered}, {"dead", c.dead}, {"failed_again", c.failed_again}, {"retried", c.retried}, {"skipped", c.skipped}}},
      {"checkpoint",
       {{"batches_acked", run.checkpoint.batches_acked},
        {"changes_acked", run.checkpoint.changes_acked},
        {"detail", run.checkpoint.detail}}},
      {"error_phase", run.error_phase},
      {"error", run.error},
  };
}

RunRecord run_from_json(const nlohmann::json& json) {
  RunRecord run;
  run.id = json.at("id").get<std::string>();
  run.sync = json.at("sync").get<std::string>();
  auto trigger = parse_run_trigger(json.at("trigger").get<std::string>());
  auto phase = parse_run_phase(json.at("phase").get<std::string>());
  if (!trigger || !phase) throw std::runtime_error("run record " + run.id + " has an unknown trigger or phase");
  run.trigger = *trigger;
  run.phase = *phase;
  run.full_resync = json.value("full_resync", false);
  run.force = json.value("force", false);
  run.started_at_ms = json.at("started_at_ms").get<std::int64_t>();
  run.ended_at_ms = json.at("ended_at_ms").get<std::int64_t>();
  run.phase_ms = json.at("phase_ms").get<std::map<std::string, std::int64_t>>();
  const auto& c = json.at("counts");
  RunCounts& counts = run.counts;
  counts.rows_read = c.at("rows_read");
  counts.model_rows = c.value("model_rows", std::uint64_t{0});  // absent in records before the parity check
  counts.added = c.at("added");
  counts.changed = c.at("changed");
  counts.removed = c.at("removed");
  counts.invalid = c.at("invalid");
  counts.sent = c.at("sent");
  counts.accepted = c.at("accepted");
  counts.rejected = c.at("rejected");
  // Absent in records before outcomes were told apart (undelivered counted as rejected then).
  counts.undelivered = c.value("undelivered", std::uint64_t{0});
  counts.dead = c.value("dead", std::uint64_t{0});
  counts.failed_again = c.value("failed_again", std::uint64_t{0});
  counts.retried = c.at("retried");
  counts.skipped = c.at("skipped");
  const auto& cp = json.at("checkpoint");
  run.checkpoint.batches_acked = cp.at("batches_acked");
  run.checkpoint.changes_acked = cp.at("changes_acked");
  run.checkpoint.detail = cp.at("detail").get<std::string>();
  run.error_phase = json.value("error_phase", "");
  run.error = json.value("error", "");
  return run;
}

}  // namespace backflow::state
