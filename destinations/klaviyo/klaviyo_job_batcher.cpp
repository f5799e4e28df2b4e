#include "destinations/klaviyo/klaviyo_job_batcher.h"

#include "destinations/klaviyo/klaviyo_profiles.h"
#include "mappers/json_writer.h"

namespace backflow::destinations {

namespace {

// Job body bytes besides the profiles (type, wrappers, list relationship).
constexpr std::size_t kJobFraming = 512;

}  // namespace

KlaviyoJobBatcher::KlaviyoJobBatcher(std::size_t max_profiles, std::size_t max_bytes, std::uint64_t first_sequence)
    : max_profiles_(max_profiles), max_bytes_(max_bytes), sequence_(first_sequence) {}

KlaviyoJobEntry KlaviyoJobBatcher::entry_for(DeliveryRecord record) {
  KlaviyoJobEntry entry;
  entry.position = position_++;
  if (record.op == Operation::Delete) {
    entry.rejection = "Klaviyo bulk import cannot delete profiles";
  } else {
    entry.profile = klaviyo::profile(record);
    entry.bytes = mappers::json_text_size(entry.profile) + 1;
    if (entry.bytes + kJobFraming > max_bytes_) {
      entry.rejection = "profile of " + std::to_string(entry.bytes) + " bytes exceeds the job budget of " +
                        std::to_string(max_bytes_) + " bytes";
    }
  }
  entry.record = std::move(record);
  return entry;
}

std::optional<KlaviyoChunk> KlaviyoJobBatcher::next(RecordFeed& feed, std::uint64_t& pulled) {
  KlaviyoChunk chunk;
  std::unordered_set<std::string> keys;
  std::size_t bytes = kJobFraming;
  for (;;) {
    std::optional<KlaviyoJobEntry> entry = std::move(carried_);
    carried_.reset();
    if (!entry) {
      DeliveryRecord record;
      if (!feed.next(record)) break;
      ++pulled;
      entry = entry_for(std::move(record));
    }
    if (!chunk.entries.empty() && (chunk.entries.size() == max_profiles_ || bytes + entry->bytes > max_bytes_ ||
                                   keys.count(entry->record.key) != 0)) {
      carried_ = std::move(entry);
      break;
    }
    keys.insert(entry->record.key);
    bytes += entry->rejection.empty() ? entry->bytes : 0;
    chunk.entries.push_back(std::move(*entry));
  }
  if (chunk.entries.empty()) return std::nullopt;
  chunk.sequence = sequence_++;
  return chunk;
}

}  // namespace backflow::destinations
