// Compact, self-delimiting binary encoding of typed values. Used to store
// snapshot rows and keys in RocksDB and as the canonical bytes that value
// hashes are computed over, so it must stay stable across versions: every
// value is a one-byte ValueType tag followed by fixed-width big-endian
// fields or a varint length and bytes. Equal typed values encode to equal
// bytes; values of different types never do (int 1 vs text "1", NULL vs "").
#pragma once

#include <string>
#include <string_view>

#include "model/value.h"

namespace backflow::diff {

// Appends the encoding of `value` to `out`.
void encode_value(const Value& value, std::string& out);

// Appends the encodings of all values of `row` to `out`. Because each value
// is self-delimiting, no encoded row of n values is a proper prefix of
// another encoded row of n values.
void encode_row(const Row& row, std::string& out);

// Decodes one value starting at `in`, advancing `in` past it.
// Throws std::runtime_error on truncated or malformed input.
Value decode_value(std::string_view& in);

// Decodes exactly `count` values from the start of `in`, advancing it.
Row decode_row(std::string_view& in, std::size_t count);

// Decodes all values of `in`.
Row decode_row(std::string_view in);

}  // namespace backflow::diff
