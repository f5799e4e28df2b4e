// A change found by the local engine's merge, stored in RocksDB until the
// runner streams it (so the merge runs once and memory stays bounded).
// Layout: op (1 byte), changed-column flags (1 byte per mapped column, 0/1),
// then the codec-encoded mapped row (empty for removed records).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "diff/change.h"

namespace backflow::diff::local {

void encode_change_record(ChangeOp op, std::size_t column_count, const std::vector<std::size_t>& changed_columns,
                          std::string_view encoded_row, std::string& out);

// Fills op, changed_columns and row of `change` (not its key). Throws
// std::runtime_error on a malformed record.
void decode_change_record(std::string_view bytes, std::size_t column_count, Change& change);

}  // namespace backflow::diff::local
