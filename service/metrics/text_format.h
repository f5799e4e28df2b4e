// Pieces of the Prometheus text exposition format 0.0.4 that every metric
// type shares: escaping of HELP text and label values, sample values, and
// the `{name="value",...}` label block.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace backflow::metrics {

inline constexpr std::string_view kTextFormatContentType = "text/plain; version=0.0.4; charset=utf-8";

// HELP text: backslash and newline escaped.
std::string escape_help(std::string_view text);

// Label values: backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view value);

// A sample value: integers without exponent or fraction, "+Inf", "-Inf",
// "NaN", otherwise the shortest text that reads back to the same double.
std::string format_value(double value);

// `{a="x",b="y"}` for the given pairs, or "" when there are none.
std::string format_labels(const std::vector<std::pair<std::string, std::string>>& labels);

// Metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
// [a-zA-Z_][a-zA-Z0-9_]* and do not start with "__" (reserved).
bool is_valid_metric_name(std::string_view name);
bool is_valid_label_name(std::string_view name);

}  // namespace backflow::metrics
