#include "diff/invalid_rows.h"

namespace backflow::diff {

void InvalidRows::add_null_key(const std::string& column, const Row& mapped_row) {
  add(InvalidRow{"", mapped_row, "NULL primary key column '" + column + "'"});
}

void InvalidRows::add_duplicates(const RecordKey& key, std::uint64_t occurrences,
                                 const std::vector<Row>& sampled_rows) {
  std::string reason = "primary key (" + key.id + ") occurs " + std::to_string(occurrences) + " times in the model";
  for (const Row& row : sampled_rows) {
    if (sample_.size() < kInvalidSampleLimit) sample_.push_back(InvalidRow{key.id, row, reason});
  }
  count_ += occurrences;
}

void InvalidRows::absorb(const InvalidRows& other) {
  count_ += other.count_;
  for (const InvalidRow& row : other.sample_) {
    if (sample_.size() < kInvalidSampleLimit) sample_.push_back(row);
  }
}

void InvalidRows::add(InvalidRow row) {
  ++count_;
  if (sample_.size() < kInvalidSampleLimit) sample_.push_back(std::move(row));
}

}  // namespace backflow::diff
