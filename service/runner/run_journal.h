// The persisted side of one run: its RunRecord, moved through the phases of
// the state machine (state/run_record.h) with each transition saved durably
// before the next phase's work starts, and the time spent in each phase.
// A dry run keeps a journal without a store: same record, nothing written.
// Not thread-safe: the runner's thread only.
#pragma once

#include <chrono>
#include <string>

#include "state/run_record.h"
#include "state/run_store.h"

namespace backflow::runner {

std::int64_t now_ms();

class RunJournal {
 public:
  // `store` null: nothing is persisted (dry run). `store` must outlive this.
  RunJournal(state::RunStore* store, state::RunRecord record);

  const state::RunRecord& record() const { return record_; }
  state::RunRecord& mutable_record() { return record_; }

  // Closes the current phase's timer and enters `phase`, durably.
  void enter(state::RunPhase phase);
  // Persists counts and checkpoint as they are now, durably.
  void save();
  // Ends the run in a terminal phase with `error` (empty for success),
  // naming as error_phase `decided_in` or, when that is empty, the phase it
  // ended in.
  void finish(state::RunPhase terminal, const std::string& error = {}, std::string_view decided_in = {});

 private:
  void close_phase_timer();
  state::RunStore* store_;
  state::RunRecord record_;
  std::chrono::steady_clock::time_point phase_started_;
};

}  // namespace backflow::runner
