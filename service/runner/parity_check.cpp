#include "service/runner/parity_check.h"

namespace backflow::runner {

namespace {

const char* kNothingCommitted = "; nothing is committed, the next run starts over from the last committed snapshot";

}  // namespace

std::optional<std::string> read_parity_violation(const std::string& sync, std::uint64_t rows_read,
                                                 std::uint64_t model_rows) {
  if (rows_read == model_rows) return std::nullopt;
  return "parity check of sync '" + sync + "': read " + std::to_string(rows_read) +
         " rows of the model but the warehouse counts " + std::to_string(model_rows) +
         " in the same snapshot (the driver ended the result early or returned extra rows)" + kNothingCommitted;
}

std::optional<std::string> change_parity_violation(const std::string& sync, const diff::DiffCounts& counts,
                                                   std::uint64_t changes_streamed) {
  const std::uint64_t expected = counts.added + counts.changed + counts.removed;
  if (expected == changes_streamed) return std::nullopt;
  return "parity check of sync '" + sync + "': the diff counted " + std::to_string(expected) + " changes (" +
         std::to_string(counts.added) + " added, " + std::to_string(counts.changed) + " changed, " +
         std::to_string(counts.removed) + " removed) but its change stream yielded " +
         std::to_string(changes_streamed) + kNothingCommitted;
}

std::optional<std::string> outcome_parity_violation(const std::string& sync, std::uint64_t records_sent,
                                                    std::uint64_t outcomes) {
  if (records_sent == outcomes) return std::nullopt;
  return "parity check of sync '" + sync + "': " + std::to_string(records_sent) +
         " records were handed to the destination but it reported " + std::to_string(outcomes) +
         " outcomes (each needs exactly one: accepted, rejected or undelivered)" + kNothingCommitted;
}

std::string count_model_sql(const std::string& model_sql) {
  return "SELECT COUNT(*) FROM (" + model_sql + ") bf_model";
}

}  // namespace backflow::runner
