// Serialises mapped records and request bodies. Unlike nlohmann's dump() it
// writes exact numbers (mappers/exact_number.h) as bare JSON numbers and
// replaces invalid UTF-8 with U+FFFD instead of throwing. Output is compact
// (no spaces), object keys in the json's own order.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace backflow::mappers {

// Appends the serialisation of `value` to `out`.
void write_json(const nlohmann::json& value, std::string& out);

std::string to_json_text(const nlohmann::json& value);

// The length of write_json(value) output, computed without building it.
std::size_t json_text_size(const nlohmann::json& value);

}  // namespace backflow::mappers
