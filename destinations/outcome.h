// What happened to records: a module's reading of one response, and the final
// per-record outcome the engine reports to the runner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "destinations/delivery_record.h"

namespace backflow::destinations {

// A module's verdict on one record of a response it understood.
enum class RecordVerdictKind { Accepted, Rejected, Retryable };

struct RecordVerdict {
  RecordVerdictKind kind = RecordVerdictKind::Accepted;
  std::string message;         // the vendor's text for rejected/retryable records
  std::string destination_id;  // the vendor's id for an accepted record, when the response gives one
};

// A module's reading of a response: either one verdict per record of the
// batch (same order), or "rejected as a whole" (a 4xx that names no record),
// which the engine answers by splitting the batch to isolate the bad records.
struct BatchVerdict {
  bool rejected_as_whole = false;
  std::string message;                 // why, when rejected as a whole
  std::vector<RecordVerdict> records;  // size == batch size otherwise

  static BatchVerdict all(std::size_t count, RecordVerdictKind kind, const std::string& message = {});
  static BatchVerdict whole_batch_rejected(std::string why);
};

// The final status of a record in this run.
enum class RecordStatus {
  Accepted,
  Rejected,           // the destination refused it; `message` has its reason
  RetriesExhausted,   // still failing (429/5xx/timeouts) after the retry budget
};

std::string_view to_string(RecordStatus status);

struct RecordOutcome {
  std::uint64_t position = 0;  // index of the record in the feed, from 0
  std::string key;
  Operation op = Operation::Upsert;
  RecordStatus status = RecordStatus::Accepted;
  long http_status = 0;        // of the last attempt; 0 for transport errors
  std::string message;         // vendor message or transport error, empty when accepted
  int attempts = 0;            // requests that carried this record
  std::string destination_id;  // the vendor's id for the record, when it returned one (for id maps)
};

// A batch whose every record reached a final status. settled_through is the
// number of feed records, counted from the first, that all have final
// outcomes: a safe checkpoint position even when batches finish out of order.
// `sequence` is the number of the top-level batch it belongs to (halves and
// retried remainders carry their parent's; DeliveryRun::first_batch_sequence
// numbers the first), unset for a delivery without numbered batches: a run
// resumed after a crash starts numbering after the highest acknowledged one.
struct BatchAck {
  std::string batch_id;
  std::size_t records = 0;
  std::uint64_t settled_through = 0;
  std::optional<std::uint64_t> sequence;
};

}  // namespace backflow::destinations
