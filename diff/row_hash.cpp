#include "diff/row_hash.h"

#include <xxhash.h>

#include "model/row_codec.h"

namespace backflow::diff {

std::uint64_t hash_value(const Value& value) {
  std::string bytes;
  encode_value(value, bytes);
  return XXH3_64bits(bytes.data(), bytes.size());
}

namespace {

template <typename EachValue>
void hash_values(std::size_t count, EachValue&& value_at, std::string& encoded, RowHashes& hashes) {
  hashes.columns.resize(count);
  encoded.clear();
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t start = encoded.size();
    encode_value(value_at(i), encoded);
    hashes.columns[i] = static_cast<std::uint32_t>(XXH3_64bits(encoded.data() + start, encoded.size() - start));
  }
  hashes.row = XXH3_64bits(encoded.data(), encoded.size());
}

}  // namespace

RowHashes hash_row(const Row& row, std::string& encoded) {
  RowHashes hashes;
  hash_values(row.size(), [&](std::size_t i) -> const Value& { return row[i]; }, encoded, hashes);
  return hashes;
}

void hash_columns(const Row& row, const std::vector<std::size_t>& columns, std::string& encoded, RowHashes& hashes) {
  hash_values(columns.size(), [&](std::size_t i) -> const Value& { return row[columns[i]]; }, encoded, hashes);
}

}  // namespace backflow::diff
