// Groups a run's records into the chunks that become Klaviyo import jobs: at
// most `max_profiles` profiles and `max_bytes` of job body each, never one key
// twice in a chunk (its outcome must apply to one change). Chunk boundaries
// depend only on the feed and the limits, so a resumed run that replays the
// same records rebuilds the same chunks under the same sequence numbers (the
// job journal's keys). Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "destinations/delivery_record.h"

namespace backflow::destinations {

// A record of a chunk, with the profile it becomes.
struct KlaviyoJobEntry {
  DeliveryRecord record;
  std::uint64_t position = 0;  // in the run's feed
  nlohmann::json profile;
  std::size_t bytes = 0;
  std::string rejection;  // set: rejected without sending (a delete, a profile too big for any job)
};

struct KlaviyoChunk {
  std::uint64_t sequence = 0;  // the batch id: first_batch_sequence + n
  std::vector<KlaviyoJobEntry> entries;
};

class KlaviyoJobBatcher {
 public:
  KlaviyoJobBatcher(std::size_t max_profiles, std::size_t max_bytes, std::uint64_t first_sequence);

  // The next chunk pulled from `feed`, or nullopt once the feed is exhausted.
  // `pulled` counts the records taken from the feed.
  std::optional<KlaviyoChunk> next(RecordFeed& feed, std::uint64_t& pulled);

 private:
  KlaviyoJobEntry entry_for(DeliveryRecord record);

  std::size_t max_profiles_;
  std::size_t max_bytes_;
  std::uint64_t sequence_;
  std::uint64_t position_ = 0;
  std::optional<KlaviyoJobEntry> carried_;  // read, but it did not fit the previous chunk
};

}  // namespace backflow::destinations
