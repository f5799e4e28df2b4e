// "Did you mean ...?" for names typed by hand (columns, transforms).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace backflow::mappers {

// The candidate closest to `wanted` by case-insensitive edit distance, or ""
// when none is close enough to be a plausible typo (distance above a third of
// the name's length, minimum 2).
std::string nearest_name(std::string_view wanted, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" — ready to append to an error message.
std::string did_you_mean(std::string_view wanted, const std::vector<std::string>& candidates);

}  // namespace backflow::mappers
