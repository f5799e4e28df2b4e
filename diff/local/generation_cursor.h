// Iterates the snapshot entries of one generation in key order (a RocksDB
// iterator over its column family, consistent as of construction), all of
// them or those whose encoded key lies in [from, to) (a null bound is open).
// A null generation iterates nothing. Owns its iterator; not thread-safe.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace backflow::diff::local {

class GenerationCursor {
 public:
  GenerationCursor(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* generation, const std::string* from = nullptr,
                   const std::string* to = nullptr);

  bool valid() const { return iterator_ && iterator_->Valid(); }
  // Precondition for the accessors: valid().
  std::string_view encoded_key() const;
  std::uint64_t seq() const;
  std::string_view value() const;
  void next();

  // Throws std::runtime_error if the iteration stopped on an error.
  void check_status() const;

 private:
  std::string lower_key_, upper_key_;
  rocksdb::Slice upper_bound_;
  std::unique_ptr<rocksdb::Iterator> iterator_;
};

}  // namespace backflow::diff::local
