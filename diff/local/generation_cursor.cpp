#include "diff/local/generation_cursor.h"

#include <stdexcept>

#include "diff/local/snapshot_keys.h"

namespace backflow::diff::local {

GenerationCursor::GenerationCursor(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* generation, const std::string* from,
                                   const std::string* to)
    // Every entry of a key sorts at or after entry_key(key, 0): a key's
    // duplicates stay in one range.
    : lower_key_(from ? entry_key(*from, 0) : std::string(kEntriesBegin)),
      upper_key_(to ? entry_key(*to, 0) : std::string(kEntriesEnd)),
      upper_bound_(upper_key_) {
  if (!generation) return;
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_bound_;
  options.fill_cache = false;  // one sequential scan; keep the cache for others
  // No fixed readahead: a scan reads every level-0 file of the generation at
  // once, so a fixed per-file buffer would grow memory with the model.
  // RocksDB's automatic readahead grows from 8 KiB to 256 KiB per file.
  iterator_.reset(db.NewIterator(options, generation));
  iterator_->Seek(lower_key_);
}

std::string_view GenerationCursor::encoded_key() const {
  rocksdb::Slice k = iterator_->key();
  return entry_encoded_key(std::string_view(k.data(), k.size()));
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
