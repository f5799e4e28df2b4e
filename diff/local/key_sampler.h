// A bounded, evenly spaced sample of the encoded keys a generation is
// written with, from which the merge picks the boundaries of key ranges it
// can merge in parallel. Keeps every stride-th key, doubling the stride
// (and halving the sample) whenever the sample fills, so memory stays
// bounded whatever the model's size. Deterministic; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace backflow::diff::local {

class KeySampler {
 public:
  // Keeps between `capacity` / 2 and `capacity` keys once that many were seen.
  explicit KeySampler(std::size_t capacity = 2048) : capacity_(capacity < 2 ? 2 : capacity) {}

  void add(std::string_view encoded_key);

  // At most `ranges` - 1 distinct keys, ascending, that cut the sampled keys
  // into `ranges` parts of about equal size. Empty when `ranges` <= 1 or
  // nothing was sampled.
  std::vector<std::string> boundaries(std::size_t ranges) const;

 private:
  std::size_t capacity_;
  std::uint64_t seen_ = 0;
  std::uint64_t stride_ = 1;
  std::vector<std::string> keys_;
};

}  // namespace backflow::diff::local
