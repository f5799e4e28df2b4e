#include "service/runner/guard_check.h"

#include <cstdio>

namespace backflow::runner {

namespace {

std::string percent(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", value);
  return text;
}

}  // namespace

std::optional<std::string> guard_violation(const config::Guard& guard, const diff::DiffCounts& counts) {
  if (guard.min_rows && counts.rows_read < *guard.min_rows) {
    return "the model returned " + std::to_string(counts.rows_read) + " rows, fewer than guard.min_rows (" +
           std::to_string(*guard.min_rows) + ")";
  }
  if (guard.max_removed_rows && counts.removed > *guard.max_removed_rows) {
    return "the run would remove " + std::to_string(counts.removed) + " records, more than guard.max_removed_rows (" +
           std::to_string(*guard.max_removed_rows) + ")";
  }
  if (guard.max_removed_pct && counts.removed > 0) {
    const std::uint64_t valid = counts.rows_read > counts.invalid ? counts.rows_read - counts.invalid : 0;
    const std::uint64_t kept = valid > counts.added ? valid - counts.added : 0;
    const double committed = static_cast<double>(kept + counts.removed);
    const double share = 100.0 * static_cast<double>(counts.removed) / committed;
    if (share > *guard.max_removed_pct) {
      return "the run would remove " + std::to_string(counts.removed) + " of " +
             std::to_string(kept + counts.removed) + " records (" + percent(share) +
             "), more than guard.max_removed_pct (" + percent(*guard.max_removed_pct) + ")";
    }
  }
  return std::nullopt;
}

}  // namespace backflow::runner
