// The value stored per key in a local snapshot: the row hash, the per-column
// hashes and the codec-encoded mapped row (kept so that added and changed
// records can be emitted without reading the model again).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "diff/row_hash.h"

namespace backflow::diff::local {

// Layout: row hash (8, big-endian), column count (4), column hashes (4 each),
// encoded row (rest; may be empty for entries carried over a layout change).
void encode_snapshot_entry(const RowHashes& hashes, std::string_view encoded_row, std::string& out);

struct SnapshotEntryView {
  RowHashes hashes;
  std::string_view encoded_row;  // points into the viewed buffer
};

// Throws std::runtime_error on a malformed entry.
SnapshotEntryView decode_snapshot_entry(std::string_view bytes);

}  // namespace backflow::diff::local
