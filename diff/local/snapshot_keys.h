// The RocksDB key layout of one sync's snapshots:
//   P + "m"                          -> SyncMeta (committed generation, layout)
//   P + "c" + gen(8) + key           -> ChangeRecord of the run writing gen
//   P + "g" + gen(8) + key + seq(8)  -> SnapshotEntry
// where P = "s" + varint(len(sync)) + sync, gen is the big-endian snapshot
// generation, key the row codec encoding of the primary key values and seq
// the big-endian position of the row in the model (0 for entries carried
// over from the committed snapshot). Equal keys are therefore adjacent in
// iteration order, which is how duplicates are found without memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace backflow::diff::local {

class SnapshotKeys {
 public:
  explicit SnapshotKeys(const std::string& sync_name);

  std::string meta() const;
  // Change records of the run that writes generation `gen`, and the bounds
  // of all change records.
  std::string change(std::uint64_t gen, std::string_view encoded_key) const;
  std::string changes_begin() const;
  std::string changes_end() const;
  // First key of generation `gen` (the upper bound of generation gen-1).
  std::string generation_begin(std::uint64_t gen) const;
  // Upper bound of every generation.
  std::string generations_end() const;
  std::string entry(std::uint64_t gen, std::string_view encoded_key, std::uint64_t seq) const;
  // Upper bound of all entries of `encoded_key` in `gen`.
  std::string entry_end(std::uint64_t gen, std::string_view encoded_key) const;

  // Length of the part before the encoded key.
  std::size_t entry_prefix_size() const { return prefix_.size() + 1 + 8; }

 private:
  std::string prefix_;
};

// Splits an entry key (as built by SnapshotKeys::entry) into its encoded key
// and sequence number.
std::string_view entry_encoded_key(std::string_view entry_key, std::size_t prefix_size);
std::uint64_t entry_seq(std::string_view entry_key);

}  // namespace backflow::diff::local
