// Per-sync bookkeeping of the local engine: which snapshot generation is the
// committed one and which columns it was taken with. Flipping
// committed_generation in one synced write is what makes a commit atomic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace backflow::diff::local {

struct SyncMeta {
  std::uint64_t committed_generation = 0;  // 0: nothing committed yet
  std::vector<std::string> primary_key;
  std::vector<std::string> mapped_columns;
};

std::string encode_sync_meta(const SyncMeta& meta);
// Throws std::runtime_error on malformed input.
SyncMeta decode_sync_meta(const std::string& bytes);

}  // namespace backflow::diff::local
