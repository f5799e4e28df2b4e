// Parsing of values that drivers hand over as text (decimals, times of day).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/value.h"

namespace backflow::odbc {

// The canonical exact form of a decimal rendered by a driver: optional '-',
// digits, optional '.' and digits. Scientific notation (which SQLite emits
// for large REAL values) is expanded exactly; a leading '+' is dropped.
// nullopt for anything else (NaN, Infinity, garbage).
std::optional<std::string> normalize_decimal(std::string_view text);

// NaN, Infinity or -Infinity as a driver writes a non-finite decimal
// ("NaN", "Infinity", "-Infinity", "inf", any case); nullopt otherwise.
std::optional<double> special_number(std::string_view text);

// True when `text` already is in the canonical form above (the common case,
// checked without allocating).
bool is_canonical_decimal(std::string_view text);

// "HH:MM:SS" with an optional fraction of up to nine digits; nullopt when
// malformed or out of range.
std::optional<TimeOfDay> parse_time_of_day(std::string_view text);

// The ODBC literal form of a time of day ("12:30:05.25"), for parameters.
std::string format_time_of_day(const TimeOfDay& time);

}  // namespace backflow::odbc
