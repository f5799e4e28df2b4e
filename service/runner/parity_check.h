// Parity checks (docs/runner.md, "Parity"): before COMMIT a run proves that
// what it read and settled adds up, so that a short read or a lost outcome
// fails the run with both numbers instead of committing records that never
// arrived. Each function returns the violation as a sentence naming the sync
// and both counts, or nullopt when the numbers agree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "diff/change.h"

namespace backflow::runner {

// Rows the run read against the rows the warehouse counts in the same snapshot.
std::optional<std::string> read_parity_violation(const std::string& sync, std::uint64_t rows_read,
                                                 std::uint64_t model_rows);

// Changes the diff counted (added + changed + removed) against the changes
// its stream yielded to delivery.
std::optional<std::string> change_parity_violation(const std::string& sync, const diff::DiffCounts& counts,
                                                   std::uint64_t changes_streamed);

// Records handed to the destination in this run against the outcomes it
// reported (accepted, rejected or undelivered): exactly one each.
std::optional<std::string> outcome_parity_violation(const std::string& sync, std::uint64_t records_sent,
                                                    std::uint64_t outcomes);

// SELECT COUNT(*) over the model query `model_sql`.
std::string count_model_sql(const std::string& model_sql);

}  // namespace backflow::runner
