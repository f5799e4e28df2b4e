// Nearest-spelling suggestions for misspelt keys, enum values and names.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace backflow::text {

// Optimal string alignment distance (Damerau-Levenshtein where each
// substring is edited once): insertions, deletions, substitutions and
// transpositions of adjacent characters each cost 1. Case-sensitive.
// O(|a|·|b|) time, O(|b|) memory.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a plausible
// misspelling (distance at most 1 for words up to 4 characters, 2 up to 8,
// 3 beyond; a case-only difference always counts), else "". Ties go to the
// earlier candidate. Words longer than kMaxSuggestedLength get no
// suggestion (and cost nothing).
inline constexpr std::size_t kMaxSuggestedLength = 64;
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" when nearest() finds one, else "": ready to append
// to an error message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// For "unknown warehouse 'x' (defined: a, b)": "defined: a, b", or
// "none are defined".
std::string defined_names(const std::vector<std::string>& names);

}  // namespace backflow::text
