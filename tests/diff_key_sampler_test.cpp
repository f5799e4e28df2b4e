// The key sample the local engine cuts its merge into ranges with.
#include <catch2/catch.hpp>

#include <string>

#include "diff/local/key_sampler.h"

using backflow::diff::local::KeySampler;

namespace {

std::string key(int n) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "k%06d", n);
  return buffer;
}

}  // namespace

TEST_CASE("key sampler: cuts stay near the quantiles of keys seen in any order", "[diff][local]") {
  KeySampler sampler(64);
  // 100000 distinct keys in a scrambled order (7919 is prime, so i * 7919 mod
  // 100000 visits every key once).
  for (int i = 0; i < 100000; ++i) sampler.add(key(static_cast<int>((static_cast<long long>(i) * 7919) % 100000)));
  auto cuts = sampler.boundaries(4);
  REQUIRE(cuts.size() == 3);
  // Within 10% of the true quartiles with 32 to 64 samples.
  CHECK(cuts[0] > key(15000));
  CHECK(cuts[0] < key(35000));
  CHECK(cuts[1] > key(40000));
  CHECK(cuts[1] < key(60000));
  CHECK(cuts[2] > key(65000));
  CHECK(cuts[2] < key(85000));
}

TEST_CASE("key sampler: few or repeated keys give fewer ranges, never an empty or repeated cut", "[diff][local]") {
  KeySampler sampler(8);
  CHECK(sampler.boundaries(4).empty());
  for (int i = 0; i < 1000; ++i) sampler.add("same");
  CHECK(sampler.boundaries(4).empty());
  sampler.add("zzz");
  for (int i = 0; i < 10; ++i) sampler.add("other");
  auto cuts = sampler.boundaries(3);
  for (std::size_t i = 1; i < cuts.size(); ++i) CHECK(cuts[i - 1] < cuts[i]);
  for (const auto& cut : cuts) CHECK(cut != "same");
  CHECK(KeySampler().boundaries(1).empty());
}
