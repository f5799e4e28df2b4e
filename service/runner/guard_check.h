// The guards of design §1, checked between DIFF and DELIVER: a run that would
// remove or rewrite too much, or read too little, is BLOCKED before anything
// is sent. Safe with no `guard:` configured (docs/runner.md "Guards").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "diff/change.h"
#include "service/config/config.h"

namespace backflow::runner {

// The defaults a sync gets for the guard fields it does not set.
inline constexpr double kDefaultMaxRemovedPct = 50;
// The default removal guard exempts snapshots smaller than this: a toy model
// losing 3 of 5 rows is not the accident the guard is for.
inline constexpr std::uint64_t kDefaultRemovalGuardMinRecords = 20;

// The reason the run must not deliver, or nullopt when every guard passes.
// Shares are of the records committed before this run:
// (valid rows - added) + removed. In order:
// - the model is empty while the committed snapshot is not (unless allow_empty);
// - fewer rows than min_rows;
// - more removed than max_removed_rows, or a larger share than
//   max_removed_pct (default 50, for snapshots of 20 records or more, and
//   not for an empty model that allow_empty lets through);
// - a larger share changed than max_changed_pct (when set).
std::optional<std::string> guard_violation(const config::Guard& guard, const diff::DiffCounts& counts);

}  // namespace backflow::runner
