#include "destinations/outcome.h"

namespace backflow::destinations {

BatchVerdict BatchVerdict::all(std::size_t count, RecordVerdictKind kind, const std::string& message) {
  BatchVerdict verdict;
  verdict.records.assign(count, RecordVerdict{kind, message, {}});
  return verdict;
}

BatchVerdict BatchVerdict::whole_batch_rejected(std::string why) {
  BatchVerdict verdict;
  verdict.rejected_as_whole = true;
  verdict.message = std::move(why);
  return verdict;
}

std::string_view to_string(RecordStatus status) {
  switch (status) {
    case RecordStatus::Accepted: return "accepted";
    case RecordStatus::Rejected: return "rejected";
    case RecordStatus::RetriesExhausted: return "retries_exhausted";
  }
  return "unknown";
}

}  // namespace backflow::destinations
