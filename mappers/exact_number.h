// Exact decimals inside nlohmann::json, which has no such number type: going
// through double would round 38-digit NUMERICs. An exact number is stored as a
// string tagged with a 0xFF byte, which never occurs in valid UTF-8 (the mapper
// repairs text values to valid UTF-8, so no text can carry the tag), and
// write_json() (mappers/json_writer.h) emits it as a bare JSON number.
// nlohmann's own dump() would print it as a tagged string: always serialise
// records with write_json().
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace backflow::mappers {

// Normalises a decimal literal to JSON number grammar, or nullopt when `text`
// is not one. Accepts an optional sign, digits, an optional fraction and no
// exponent ("+007.50" -> "7.50", ".5" -> "0.5", "3." -> "3"). Digits are kept
// exactly, including trailing fraction zeros.
std::optional<std::string> canonical_decimal(std::string_view text);

// A JSON value that write_json() emits as the number `canonical` verbatim.
// Precondition: `canonical` came from canonical_decimal().
nlohmann::json exact_number(std::string_view canonical);

// The number text when `value` was made by exact_number(), else nullopt.
std::optional<std::string_view> exact_number_text(const nlohmann::json& value);

}  // namespace backflow::mappers
