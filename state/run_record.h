// What the service remembers about one run of a sync: its phase, timings,
// counts, error and the checkpoint it can resume from. Serialised as JSON in
// the state database and returned as-is by `run --json` and the API.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace backflow::state {

// The run state machine of design §1. Terminal phases end a run; a run's
// outcome (docs/runner.md "Outcomes") is one of Succeeded (every record the
// run meant to deliver was accepted), Partial (some were not, within the
// sync's outcome.max_rejected_pct), Failed, Blocked or Cancelled.
enum class RunPhase {
  Queued, Preflight, Snapshot, Diff, Guard, Deliver, Commit,
  Succeeded, Partial, Blocked, Failed, Cancelled, Paused,
};
std::string_view to_string(RunPhase phase);
std::optional<RunPhase> parse_run_phase(std::string_view text);
bool is_terminal(RunPhase phase);
// True for the outcomes of a run that finished and committed (Succeeded,
// Partial): what `after:` dependencies, staleness and "last success" count.
bool is_completed(RunPhase phase);

enum class RunTrigger { Manual, Schedule, Api, Resync };
std::string_view to_string(RunTrigger trigger);
std::optional<RunTrigger> parse_run_trigger(std::string_view text);

struct RunCounts {
  std::uint64_t rows_read = 0, added = 0, changed = 0, removed = 0, invalid = 0;
  // The warehouse's own count of the model's rows, taken in the same snapshot
  // as the read (local engine) or computed by the warehouse's diff (warehouse
  // engine); the run commits only when it equals rows_read. 0 until counted.
  std::uint64_t model_rows = 0;
  // Of the records sent: accepted, rejected (the destination refused the
  // record) and undelivered (never acknowledged: transport failure,
  // destination down or throttled past the retry budget) add up to sent.
  std::uint64_t sent = 0, accepted = 0, rejected = 0, undelivered = 0, retried = 0, skipped = 0;
  // Records that failed in this run and reached retry.max_attempts: they are
  // committed as they are and wait for their row to change or a retry.
  std::uint64_t dead = 0;
  // Of the records not accepted, those that had failed in an earlier run
  // too (retried and failed again): known failures, which make a run partial
  // but never failed on their own.
  std::uint64_t failed_again = 0;
};

// Where delivery stands: batches acknowledged so far, so a resumed run skips
// them and re-sends at most what was in flight.
struct Checkpoint {
  std::uint64_t batches_acked = 0;
  std::uint64_t changes_acked = 0;  // position in the change stream
  // Written by versions before the shared job journal (a Salesforce Bulk
  // job as "bulk_job=…"); kept so old run records load and the API field
  // stays. Vendor jobs now live in the job journal (destinations/job_journal.h).
  std::string detail;
};

struct RunRecord {
  std::string id;
  std::string sync;
  RunTrigger trigger = RunTrigger::Manual;
  RunPhase phase = RunPhase::Queued;
  bool full_resync = false;
  bool force = false;
  std::int64_t started_at_ms = 0;  // unix epoch milliseconds
  std::int64_t ended_at_ms = 0;    // 0 while running
  std::map<std::string, std::int64_t> phase_ms;  // phase name -> time spent
  RunCounts counts;
  Checkpoint checkpoint;
  std::string error_phase;  // set when Failed/Blocked/Partial: the phase that decided it
  std::string error;        // reason, never containing secrets
};

nlohmann::json to_json(const RunRecord& run);
RunRecord run_from_json(const nlohmann::json& json);  // throws on malformed input

}  // namespace backflow::state
