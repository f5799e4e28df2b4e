#include "diff/local/generation_cursor.h"

#include <stdexcept>

namespace backflow::diff::local {

GenerationCursor::GenerationCursor(rocksdb::DB& db, const SnapshotKeys& keys,
                                   std::optional<std::uint64_t> generation)
    : prefix_size_(keys.entry_prefix_size()) {
  if (!generation) return;
  upper_bound_ = keys.generation_begin(*generation + 1);
  upper_bound_slice_ = rocksdb::Slice(upper_bound_);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_bound_slice_;
  options.fill_cache = false;  // one sequential scan; keep the cache for others
  options.readahead_size = 2 << 20;
  iterator_.reset(db.NewIterator(options));
  iterator_->Seek(keys.generation_begin(*generation));
}

std::string_view GenerationCursor::encoded_key() const {
  rocksdb::Slice k = iterator_->key();
  return entry_encoded_key(std::string_view(k.data(), k.size()), prefix_size_);
}

std::uint64_t GenerationCursor::seq() const {
  rocksdb::Slice k = iterator_->key();
  return entry_seq(std::string_view(k.data(), k.size()));
}

std::string_view GenerationCursor::value() const {
  rocksdb::Slice v = iterator_->value();
  return std::string_view(v.data(), v.size());
}

void GenerationCursor::next() { iterator_->Next(); }

void GenerationCursor::check_status() const {
  if (iterator_ && !iterator_->status().ok()) {
    throw std::runtime_error("snapshot store: iteration failed: " + iterator_->status().ToString());
  }
}

}  // namespace backflow::diff::local
