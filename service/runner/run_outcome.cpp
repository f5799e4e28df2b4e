#include "service/runner/run_outcome.h"

#include <algorithm>
#include <cstdio>

#include "common/text.h"

namespace backflow::runner {

RunOutcome run_outcome(const config::RunOutcomePolicy& policy, const state::RunCounts& c) {
  const std::uint64_t not_accepted = c.rejected + c.undelivered + c.invalid;
  if (not_accepted == 0) return {};
  const std::uint64_t meant = c.accepted + not_accepted;
  const double share = 100.0 * static_cast<double>(not_accepted) / static_cast<double>(meant);
  const std::uint64_t known = std::min(c.failed_again, not_accepted);
  const double new_share = meant == known ? 0.0
                                          : 100.0 * static_cast<double>(not_accepted - known) /
                                                static_cast<double>(meant - known);
  std::string summary = std::to_string(not_accepted) + " of " + std::to_string(meant) + " records were not accepted (" +
                        text::percent_text(share) + ": " + std::to_string(c.rejected) + " rejected, " +
                        std::to_string(c.undelivered) + " undelivered, " + std::to_string(c.invalid) + " invalid";
  if (known > 0) summary += "; " + std::to_string(known) + " had failed before";
  if (c.dead > 0) summary += "; " + std::to_string(c.dead) + " now dead after retry.max_attempts";
  summary += ")";
  if (c.accepted == 0 && c.undelivered > 0) {
    return {state::RunPhase::Failed, "no record reached the destination: " + summary +
                                         "; the next run sends the undelivered records again"};
  }
  if (new_share > policy.max_rejected_pct) {
    return {state::RunPhase::Failed, summary + ", more than outcome.max_rejected_pct (" +
                                         text::percent_text(policy.max_rejected_pct) + ")" +
                                         (known > 0 ? " of the records that had not failed before" : "")};
  }
  return {state::RunPhase::Partial, summary};
}

}  // namespace backflow::runner
