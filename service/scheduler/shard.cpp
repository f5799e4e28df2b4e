#include "service/scheduler/shard.h"

#include <xxhash.h>

#include <charconv>
#include <stdexcept>

namespace backflow::scheduler {
namespace {

constexpr std::uint32_t kMaxShards = 1024;

bool parse_number(std::string_view text, std::uint32_t& value) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

bool Shard::owns(std::string_view sync) const {
  return XXH64(sync.data(), sync.size(), 0) % count == index;
}

std::string Shard::to_string() const { return std::to_string(index) + "/" + std::to_string(count); }

Shard parse_shard(std::string_view text) {
  auto slash = text.find('/');
  Shard shard;
  if (slash == std::string_view::npos || !parse_number(text.substr(0, slash), shard.index) ||
      !parse_number(text.substr(slash + 1), shard.count) || shard.count == 0 || shard.count > kMaxShards ||
      shard.index >= shard.count) {
    throw std::invalid_argument("invalid shard '" + std::string(text) + "': expected i/n with 0 <= i < n <= " +
                                std::to_string(kMaxShards) + " (e.g. 0/3)");
  }
  return shard;
}

}  // namespace backflow::scheduler
