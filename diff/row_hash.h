// Content hashes of a row's mapped values, the unit of comparison between a
// committed snapshot and the current model: a 64-bit hash of the whole row
// and a 32-bit hash per column (so the changed columns are known). Both are
// XXH3-64 over the row codec bytes (type tag + canonical bytes), hence typed:
// int 1 != text '1', NULL != '', decimal "1.50" != "1.5".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/value.h"

namespace backflow::diff {

struct RowHashes {
  std::uint64_t row = 0;
  std::vector<std::uint32_t> columns;
  bool operator==(const RowHashes&) const = default;
};

// Hash of one value (XXH3-64 of its codec encoding).
std::uint64_t hash_value(const Value& value);

// Hashes `row`; also leaves the row's codec encoding in `encoded` (replacing
// its content) because callers store it next to the hashes.
RowHashes hash_row(const Row& row, std::string& encoded);

// The same for the values row[columns[0]], row[columns[1]], ...: what
// hash_row would give for a row of those values, without copying them.
// Fills `hashes`, reusing its storage (for the per-row loop of a snapshot).
void hash_columns(const Row& row, const std::vector<std::size_t>& columns, std::string& encoded, RowHashes& hashes);

}  // namespace backflow::diff
