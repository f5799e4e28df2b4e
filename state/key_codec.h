// Order-preserving key building for the state stores. Segments are joined so
// that no segment's content can be confused with a separator (sync names may
// contain any byte), and integers are big-endian so they sort numerically.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace backflow::state {

// Appends `segment` escaped (0x00 -> 0x00 0xFF) and terminated by 0x00 0x01.
// Byte order of the result equals the lexicographic order of the segments.
void append_segment(std::string& key, std::string_view segment);

// Appends `value` as 8 big-endian bytes.
void append_u64(std::string& key, std::uint64_t value);

// Reads back a u64 written by append_u64 at `offset`.
std::uint64_t read_u64(std::string_view key, std::size_t offset);

}  // namespace backflow::state
