#include "common/suggest.h"

#include <algorithm>
#include <cctype>

namespace backflow::text {
namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t allowed_distance(std::size_t length) {
  if (length <= 4) return 1;
  if (length <= 8) return 2;
  return 3;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the (|a|+1) x (|b|+1) table: the current one and the two
  // before it (a transposition looks two rows back). Memory is linear.
  const std::size_t cols = b.size() + 1;
  std::vector<std::size_t> before_previous(cols), previous(cols), current(cols);
  for (std::size_t j = 0; j < cols; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j < cols; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before_previous[j - 2] + 1);
      }
    }
    std::swap(before_previous, previous);
    std::swap(previous, current);
  }
  return previous[cols - 1];
}

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  // A word this long is not a misspelt key or name; comparing it would only
  // cost time (a 64 MiB value against every candidate).
  if (word.size() > kMaxSuggestedLength) return {};
  std::string best;
  std::size_t best_distance = allowed_distance(word.size()) + 1;
  const std::string lowered = lowercase(word);
  for (const auto& candidate : candidates) {
    if (candidate == word) continue;
    // The distance is at least the difference in length.
    const std::size_t length_gap =
        candidate.size() > word.size() ? candidate.size() - word.size() : word.size() - candidate.size();
    if (length_gap >= best_distance) continue;
    std::size_t distance = lowercase(candidate) == lowered ? 0 : edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best = nearest(word, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

std::string defined_names(const std::vector<std::string>& names) {
  if (names.empty()) return "none are defined";
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return "defined: " + text;
}

}  // namespace backflow::text
