// The value stored per key in a local snapshot: the row hash, the per-column
// hashes and, in the generation a run is writing, where the run's spill file
// holds the encoded mapped row (row_spill_file.h), so that added and changed
// records are emitted without reading the model again.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "diff/row_hash.h"

namespace backflow::diff::local {

// Layout: row hash (8, big-endian), column count (4), column hashes (4 each),
// then the row reference (RowSpillFile::encode_ref) of an entry written from
// the model, or nothing for an entry carried over from the committed
// snapshot. Only hashes are read from committed entries, whose reference is
// stale once their run ended (and which held the encoded row itself in the
// first layout).
void encode_snapshot_entry(const RowHashes& hashes, std::string_view row_ref, std::string& out);

struct SnapshotEntryView {
  RowHashes hashes;
  std::string_view row_ref;  // points into the viewed buffer
};

// Throws std::runtime_error on a malformed entry.
SnapshotEntryView decode_snapshot_entry(std::string_view bytes);

}  // namespace backflow::diff::local
