// How typed model values appear in destination payloads. Types follow the
// ODBC column types: ints as JSON integers, decimals as exact JSON numbers,
// doubles as numbers, bools, text, dates "YYYY-MM-DD", times "HH:MM:SS[.f]",
// timestamps ISO 8601 ("2024-05-01T12:00:00" without a zone for TIMESTAMP,
// "2024-05-01T12:00:00Z" for TIMESTAMPTZ, which is UTC), binary as base64.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/value.h"

namespace backflow::mappers {

// The JSON a value becomes in a record. Text is repaired to valid UTF-8.
// Throws ConversionError for NaN/Infinity (JSON has no such numbers).
nlohmann::json value_to_json(const Value& value);

// The text a value becomes in a template or through to_string: as above but
// unquoted; NULL renders as "".
std::string value_to_text(const Value& value);

}  // namespace backflow::mappers
