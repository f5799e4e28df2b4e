// UTF-8 helpers shared by the config reader, the ODBC layer and the mappers:
// validation, repair, encoding and simple case mapping.
#pragma once

#include <string>
#include <string_view>

namespace backflow::text {

// Length (1..4) of the well-formed UTF-8 sequence starting at text[at], or 0
// when the bytes there are not one (overlong, surrogate, truncated, ...).
std::size_t valid_utf8_sequence_length(std::string_view text, std::size_t at);

// Appends the UTF-8 encoding of code point `cp` (<= U+10FFFF) to `out`.
void append_utf8(char32_t cp, std::string& out);

// `text` with every ill-formed byte replaced by U+FFFD.
std::string repair_utf8(std::string_view text);
bool is_valid_utf8(std::string_view text);

// Case mapping of ASCII, Latin-1 Supplement, Latin Extended-A, Greek and
// Cyrillic letters (the simple one-to-one mappings); every other code point is
// kept as is. Not full Unicode (no 'ß' -> "SS", no Turkish dotless i).
std::string to_lower_utf8(std::string_view text);
std::string to_upper_utf8(std::string_view text);

// Trims ASCII whitespace (space, \t, \n, \v, \f, \r) at both ends.
std::string_view trim_ascii(std::string_view text);

}  // namespace backflow::text
