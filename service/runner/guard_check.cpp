#include "service/runner/guard_check.h"

#include <cstdio>

#include "common/text.h"

namespace backflow::runner {

std::optional<std::string> guard_violation(const config::Guard& guard, const diff::DiffCounts& counts) {
  const std::uint64_t valid = counts.rows_read > counts.invalid ? counts.rows_read - counts.invalid : 0;
  const std::uint64_t kept = valid > counts.added ? valid - counts.added : 0;
  const std::uint64_t committed = kept + counts.removed;
  if (counts.rows_read == 0 && committed > 0 && !guard.allow_empty) {
    return "the model returned 0 rows while the last committed snapshot holds " + std::to_string(committed) +
           " records: the run would remove every one of them (set guard.allow_empty: true if an empty model is "
           "expected)";
  }
  if (guard.min_rows && counts.rows_read < *guard.min_rows) {
    return "the model returned " + std::to_string(counts.rows_read) + " rows, fewer than guard.min_rows (" +
           std::to_string(*guard.min_rows) + ")";
  }
  if (guard.max_removed_rows && counts.removed > *guard.max_removed_rows) {
    return "the run would remove " + std::to_string(counts.removed) + " records, more than guard.max_removed_rows (" +
           std::to_string(*guard.max_removed_rows) + ")";
  }
  const bool default_removal_guard = !guard.max_removed_pct.has_value();
  const double max_removed_pct = guard.max_removed_pct.value_or(kDefaultMaxRemovedPct);
  // allow_empty says an empty model is meant to remove everything: the
  // default share does not second-guess it (an explicit one still applies).
  const bool exempt = default_removal_guard && (committed < kDefaultRemovalGuardMinRecords ||
                                                (guard.allow_empty && counts.rows_read == 0));
  if (counts.removed > 0 && !exempt) {
    const double share = 100.0 * static_cast<double>(counts.removed) / static_cast<double>(committed);
    if (share > max_removed_pct) {
      return "the run would remove " + std::to_string(counts.removed) + " of " + std::to_string(committed) +
             " records (" + text::percent_text(share) + "), more than guard.max_removed_pct (" + text::percent_text(max_removed_pct) +
             (default_removal_guard ? ", the default" : "") + ")";
    }
  }
  if (guard.max_changed_pct && counts.changed > 0 && committed > 0) {
    const double share = 100.0 * static_cast<double>(counts.changed) / static_cast<double>(committed);
    if (share > *guard.max_changed_pct) {
      return "the run would change " + std::to_string(counts.changed) + " of " + std::to_string(committed) +
             " records (" + text::percent_text(share) + "), more than guard.max_changed_pct (" +
             text::percent_text(*guard.max_changed_pct) + ")";
    }
  }
  return std::nullopt;
}

}  // namespace backflow::runner
