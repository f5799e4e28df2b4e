// Records travelling together in one request, as the delivery engine tracks
// them. Internal to the engine; exposed for batch_splitter and its tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "destinations/delivery_record.h"

namespace backflow::destinations {

struct PendingRecord {
  DeliveryRecord record;
  std::uint64_t position = 0;  // index in the feed
  std::size_t bytes = 0;       // DestinationModule::record_size()
  int attempts = 0;            // requests that carried it so far
};

struct Batch {
  std::string id;  // "17", halves "17.0"/"17.1", a retried remainder "17.r2"
  std::uint64_t sequence = 0;  // the top-level batch's number (17 for all of the above)
  std::vector<PendingRecord> records;
  int attempts = 0;  // requests made for this exact set of records
  std::chrono::steady_clock::time_point ready_at{};
};

// Splits `batch` into two halves (the first gets the extra record of an odd
// count), with ids "<id>.0" and "<id>.1" and fresh attempt counts.
// Precondition: batch.records.size() >= 2.
std::pair<Batch, Batch> split_in_halves(Batch batch);

}  // namespace backflow::destinations
