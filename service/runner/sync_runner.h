// One run of one sync, end to end (design §1): PREFLIGHT, SNAPSHOT, DIFF,
// GUARD, DELIVER, COMMIT, each transition persisted before its work, with a
// checkpoint after every acknowledged batch. A run interrupted after its diff
// (process killed) is resumed by the next run of the sync: same run id, no
// new snapshot, acknowledged changes skipped. See docs/runner.md.
//
// Thread-safety: one SyncRunner may run different syncs from several threads;
// the same sync is serialised by its SyncLock (a second run is refused).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "service/config/config.h"
#include "state/record_store.h"
#include "state/run_record.h"
#include "state/run_store.h"
#include "state/state_db.h"

namespace backflow::runner {

struct RunProgress {
  state::RunPhase phase = state::RunPhase::Queued;
  std::uint64_t rows_read = 0;
  std::uint64_t records_sent = 0;
};

struct RunRequest {
  std::string sync;
  state::RunTrigger trigger = state::RunTrigger::Manual;
  bool full_resync = false;
  bool dry_run = false;  // diff and map, send nothing, commit nothing, persist nothing
  // Dry run: every change also goes to this stream, one JSON object per
  // line: {"op","key","fields"} as it would be sent (no "fields" for a
  // delete), or {"op":"invalid","key_id","reason"} (key_id as the API's
  // record results name it). Null: only the sample. Not owned.
  std::ostream* dry_run_changes = nullptr;
  bool force = false;    // ignore the guards for this run
  std::stop_token stop;  // requested: the run ends CANCELLED, nothing committed
  // Asked when `stop` is requested: true means the service is shutting down,
  // so a resumable run stops at a batch boundary and stays unfinished with its
  // checkpoint (the next start resumes it) instead of ending CANCELLED.
  std::function<bool()> stop_is_shutdown;
  // The service's run: an already persisted record to run under its id
  // (Queued: a fresh run; unfinished: resumed from its checkpoint when it can
  // be, otherwise started over). Absent: the runner creates the record.
  std::optional<state::RunRecord> existing_run;
  // The RunStore to persist into (must outlive the run); null: the runner
  // opens its own. One RunStore per StateDb: give the service's one here.
  state::RunStore* run_store = nullptr;
  // Called on the runner's thread, often: keep it cheap.
  std::function<void(const RunProgress&)> on_progress;
  std::size_t sample_limit = 5;  // payloads kept by a dry run; failures kept per run report
};

struct RunReport {
  state::RunRecord record;
  bool resumed = false;                           // continued an interrupted run
  std::vector<state::RecordResult> failures;      // first rejected / invalid / dead records
  std::map<std::string, std::uint64_t> dry_run_ops;  // dry run: "upsert", "delete", "skip", "invalid"
  std::vector<std::string> dry_run_payloads;      // dry run: the first records as JSON text
  std::uint64_t throttled = 0;                    // 429 responses during delivery
};

// Another run of the same sync holds its lock.
class RunRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SyncRunner {
 public:
  // `config` and `db` must outlive the runner. `db` (state_dir/state) may be
  // null for dry runs only: then nothing about failed records is known.
  SyncRunner(const config::Config& config, std::filesystem::path state_dir, state::StateDb* db);

  // Runs (or resumes) `request.sync`. Every failure of the run itself ends in
  // a FAILED record with phase and reason, returned, not thrown. Throws
  // RunRefused when the sync is running elsewhere, std::invalid_argument for
  // an unknown sync, state::StateError when the state store fails.
  RunReport run(const RunRequest& request);

 private:
  const config::Config& config_;
  std::filesystem::path state_dir_;
  state::StateDb* db_;
};

}  // namespace backflow::runner
