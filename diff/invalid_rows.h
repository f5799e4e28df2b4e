// Counts invalid model rows and keeps the first kInvalidSampleLimit of them
// with their reason. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "diff/change.h"
#include "diff/diff_spec.h"

namespace backflow::diff {

class InvalidRows {
 public:
  // A row whose primary key column `column` is NULL.
  void add_null_key(const std::string& column, const Row& mapped_row);
  // One occurrence of a key that occurs `occurrences` times.
  // All `occurrences` of a key; `sampled_rows` holds the mapped rows of at
  // most room() of them.
  void add_duplicates(const RecordKey& key, std::uint64_t occurrences, const std::vector<Row>& sampled_rows);

  // Adds what `other` counted, and as much of its sample as there is room for.
  void absorb(const InvalidRows& other);

  // How many more rows the sample can keep.
  std::size_t room() const { return kInvalidSampleLimit - sample_.size(); }

  std::uint64_t count() const { return count_; }
  const std::vector<InvalidRow>& sample() const { return sample_; }

 private:
  void add(InvalidRow row);
  std::uint64_t count_ = 0;
  std::vector<InvalidRow> sample_;
};

}  // namespace backflow::diff
