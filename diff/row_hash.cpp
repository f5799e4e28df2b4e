#include "diff/row_hash.h"

#include <xxhash.h>

#include "diff/row_codec.h"

namespace backflow::diff {

std::uint64_t hash_value(const Value& value) {
  std::string bytes;
  encode_value(value, bytes);
  return XXH3_64bits(bytes.data(), bytes.size());
}

RowHashes hash_row(const Row& row, std::string& encoded) {
  RowHashes hashes;
  hashes.columns.reserve(row.size());
  encoded.clear();
  for (const Value& v : row) {
    std::size_t start = encoded.size();
    encode_value(v, encoded);
    hashes.columns.push_back(
        static_cast<std::uint32_t>(XXH3_64bits(encoded.data() + start, encoded.size() - start)));
  }
  hashes.row = XXH3_64bits(encoded.data(), encoded.size());
  return hashes;
}

}  // namespace backflow::diff
