// Iterates the entries of one snapshot generation of one sync in key order
// (a RocksDB iterator over that key range, consistent as of construction).
// An absent generation iterates nothing. Owns its iterator; not thread-safe.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "diff/local/snapshot_keys.h"

namespace backflow::diff::local {

class GenerationCursor {
 public:
  GenerationCursor(rocksdb::DB& db, const SnapshotKeys& keys, std::optional<std::uint64_t> generation);

  bool valid() const { return iterator_ && iterator_->Valid(); }
  // Precondition for the accessors: valid().
  std::string_view encoded_key() const;
  std::uint64_t seq() const;
  std::string_view value() const;
  void next();

  // Throws std::runtime_error if the iteration stopped on an error.
  void check_status() const;

 private:
  std::string upper_bound_;
  rocksdb::Slice upper_bound_slice_;
  std::size_t prefix_size_;
  std::unique_ptr<rocksdb::Iterator> iterator_;
};

}  // namespace backflow::diff::local
