// The RocksDB key layout of the local engine.
//   default column family:  "s" + varint(len(sync)) + sync + "m" -> SyncMeta
//   a generation's family:  "e" + key + seq(8) -> SnapshotEntry
//                           "c" + key          -> ChangeRecord of the run writing it
// where key is the row codec encoding of the primary key values and seq the
// big-endian position of the row in the model (0 for entries carried over
// from the committed snapshot). Equal keys are therefore adjacent in
// iteration order, which is how duplicates are found without memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace backflow::diff::local {

std::string sync_meta_key(const std::string& sync_name);

inline constexpr std::string_view kEntriesBegin = "e", kEntriesEnd = "f";
inline constexpr std::string_view kChangesBegin = "c", kChangesEnd = "d";

std::string entry_key(std::string_view encoded_key, std::uint64_t seq);
// Same as entry_key, into `out` (replacing its content, keeping its capacity).
void assign_entry_key(std::string_view encoded_key, std::uint64_t seq, std::string& out);
// Upper bound of all entries of `encoded_key`.
std::string entry_key_end(std::string_view encoded_key);
std::string change_key(std::string_view encoded_key);

// The parts of an entry key.
std::string_view entry_encoded_key(std::string_view entry_key);
std::uint64_t entry_seq(std::string_view entry_key);

}  // namespace backflow::diff::local
