// Durable run records (state/run_record.h), by id and by sync, newest first.
// Every save is a synced write: a phase transition or checkpoint is on disk
// before the caller starts the work that follows it.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "state/run_record.h"
#include "state/state_db.h"

namespace backflow::state {

class RunStore {
 public:
  // `db` must outlive the store. Thread-safe.
  explicit RunStore(StateDb& db);

  // Creates, persists and returns a new Queued run with a fresh id
  // ("run-00000042": ids sort in creation order).
  RunRecord create(const std::string& sync, RunTrigger trigger, bool full_resync, bool force,
                   std::int64_t now_ms);

  // Persists `run` (which must come from create()), durably.
  void save(const RunRecord& run);

  std::optional<RunRecord> get(const std::string& id) const;

  // The sync's runs, newest first, at most `limit`, older than `before_id`
  // when given.
  std::vector<RunRecord> list(const std::string& sync, std::size_t limit,
                              const std::optional<std::string>& before_id = std::nullopt) const;

  // The sync's `retention` applied to its history: deletes the runs of `sync`
  // that finished (a terminal phase) and started before `cutoff_ms`, with
  // their per-record results (state/record_store.h). Nothing of another sync
  // is touched. Kept whatever their age: every unfinished run (it is resumed
  // with its results), the newest finished run (the last run the API,
  // `status` and the dashboard show), the newest run with a verdict
  // (succeeded, failed or blocked: the sync's health) and the newest
  // succeeded run (the last success `after:` chains and the stale alert start
  // from). Returns how many runs were purged. Not durable on its own (a purge
  // that is lost is done again).
  std::size_t purge_finished_before(const std::string& sync, std::int64_t cutoff_ms);

  // The newest run of `sync` that has not reached a terminal phase: the one
  // an interrupted process left behind, to be resumed.
  std::optional<RunRecord> unfinished(const std::string& sync) const;

 private:
  static std::uint64_t sequence_of(const std::string& id);
  StateDb& db_;
  std::mutex mutex_;
  std::uint64_t next_sequence_ = 1;
};

}  // namespace backflow::state
