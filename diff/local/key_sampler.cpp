#include "diff/local/key_sampler.h"

#include <algorithm>

namespace backflow::diff::local {

void KeySampler::add(std::string_view encoded_key) {
  if (++seen_ % stride_ != 0) return;
  keys_.emplace_back(encoded_key);
  if (keys_.size() < capacity_) return;
  // Keep the keys of rows that are multiples of the doubled stride: the
  // sample stays evenly spaced over the rows seen.
  std::size_t kept = 0;
  for (std::size_t i = 1; i < keys_.size(); i += 2) keys_[kept++] = std::move(keys_[i]);
  keys_.resize(kept);
  stride_ *= 2;
}

std::vector<std::string> KeySampler::boundaries(std::size_t ranges) const {
  std::vector<std::string> cuts;
  if (ranges <= 1 || keys_.empty()) return cuts;
  std::vector<std::string_view> sorted(keys_.begin(), keys_.end());
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t part = 1; part < ranges; ++part) {
    std::string_view cut = sorted[sorted.size() * part / ranges];
    // The first range may not be empty by construction, nor two cuts equal.
    if (cut == sorted.front() || (!cuts.empty() && cuts.back() == cut)) continue;
    cuts.emplace_back(cut);
  }
  return cuts;
}

}  // namespace backflow::diff::local
