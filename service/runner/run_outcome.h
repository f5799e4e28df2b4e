// How a run that delivered ends: succeeded, partial or failed, decided from
// what became of the records it meant to deliver (docs/runner.md "Outcomes").
#pragma once

#include <string>

#include "service/config/config.h"
#include "state/run_record.h"

namespace backflow::runner {

struct RunOutcome {
  state::RunPhase phase = state::RunPhase::Succeeded;  // Succeeded, Partial or Failed
  std::string reason;                                  // empty when Succeeded
};

// The records the run meant to deliver are accepted + rejected + undelivered
// + invalid (skipped ones excluded). Succeeded when every one was accepted
// (or there were none); Failed when none reached the destination and some
// were undelivered, or when the share of new failures exceeds
// policy.max_rejected_pct; Partial otherwise. New failures leave out the
// records that failed again after failing in an earlier run (failed_again),
// in the count and in the total: a known bad record makes every run that
// retries it partial, not failed. The reason states the counts.
RunOutcome run_outcome(const config::RunOutcomePolicy& policy, const state::RunCounts& counts);

}  // namespace backflow::runner
