// The output of a diff: one Change per record to send, plus the invalid rows
// that are never sent, and the counts of each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "diff/record_key.h"
#include "model/value.h"

namespace backflow::diff {

enum class ChangeOp : std::uint8_t { Added, Changed, Removed };

// "added", "changed", "removed".
const char* to_string(ChangeOp op);

struct Change {
  ChangeOp op = ChangeOp::Added;
  RecordKey key;
  // The current values of DiffSpec::mapped_columns (empty for Removed).
  Row row;
  // Indexes into DiffSpec::mapped_columns whose value differs from the
  // committed snapshot: all of them for Added and for retried unchanged
  // records, none for Removed.
  std::vector<std::size_t> changed_columns;
};

// Receives changes one at a time; the Change is only valid during the call.
// An exception thrown by the sink aborts the stream and propagates.
using ChangeSink = std::function<void(const Change&)>;

// A model row that cannot be sent: its key is NULL or not unique.
struct InvalidRow {
  std::string key_id;  // canonical key id; "" when a key column is NULL
  Row row;             // mapped column values
  std::string reason;  // "NULL primary key column 'id'", "primary key (7) occurs 3 times in the model"
};

struct DiffCounts {
  std::uint64_t rows_read = 0;  // model rows, invalid ones included
  std::uint64_t added = 0;
  std::uint64_t changed = 0;  // retried unchanged records included
  std::uint64_t removed = 0;
  std::uint64_t invalid = 0;  // every occurrence of a duplicate key counts
  bool operator==(const DiffCounts&) const = default;
};

// Invalid rows beyond this many are counted but not kept.
inline constexpr std::size_t kInvalidSampleLimit = 100;

}  // namespace backflow::diff
