// `--shard i/n`: which syncs one of n service replicas schedules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace backflow::scheduler {

// Replica `index` of `count` (0 <= index < count). The default, 0/1, owns
// every sync.
struct Shard {
  std::uint32_t index = 0;
  std::uint32_t count = 1;

  // True when `sync` belongs to this shard: xxHash64 (seed 0) of the name
  // modulo count equals index. Stable across processes, machines and
  // versions, so every replica agrees without talking to the others.
  bool owns(std::string_view sync) const;
  std::string to_string() const;  // "i/n"
};

// Parses "i/n". Throws std::invalid_argument quoting the text when it is not
// two whole numbers with 0 <= i < n <= 1024.
Shard parse_shard(std::string_view text);

}  // namespace backflow::scheduler
