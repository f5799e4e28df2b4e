// Durations as ops write them: "500ms", "45s", "10m", "1h30m", "2d".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace backflow {

// Parses a sequence of <integer><unit> parts, units ms, s, m, h, d, w, each
// unit at most once and from the largest to the smallest ("1h30m", not
// "30m1h"). A bare number, a missing number, a sign, spaces, an unknown unit
// or an overflow throw std::invalid_argument with a message that quotes the
// text and says what was expected. Zero ("0s") is accepted; callers that need
// a positive duration check it themselves.
std::chrono::milliseconds parse_duration(std::string_view text);

// The shortest text parse_duration reads back as the same value ("1h30m").
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace backflow
