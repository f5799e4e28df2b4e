#include "diff/local/generation_writer.h"

#include <exception>
#include <thread>

#include "diff/local/row_block_queue.h"
#include "diff/local/snapshot_entry.h"
#include "diff/local/snapshot_keys.h"
#include "diff/local/sorted_run_writer.h"
#include "model/row_codec.h"
#include "diff/row_hash.h"

namespace backflow::diff::local {

namespace {

// Three blocks: one being read, one being written, one ready in between.
constexpr std::size_t kBlocks = 3;
constexpr std::size_t kRowsPerBlock = 1024;

// The writing side: hashes and encodes each row and writes it in batches.
class EntryWriter {
 public:
  EntryWriter(SyncSnapshotDb& store, rocksdb::ColumnFamilyHandle* generation, RowSpillFile& rows,
              const DiffSpec& spec, const ModelColumns& columns, InvalidRows& invalid, KeySampler& keys)
      : runs_(store, generation, rows.path().parent_path(), rows.path().filename().string() + "-entries"),
        rows_file_(rows),
        spec_(spec),
        columns_(columns),
        invalid_(invalid),
        keys_(keys) {}

  void add(const Row& row) {
    ++rows_;
    encoded_key_.clear();
    for (std::size_t i = 0; i < columns_.key.size(); ++i) {
      const Value& key_value = row[columns_.key[i]];
      if (key_value.is_null()) {
        Row mapped;
        for (std::size_t column : columns_.mapped) mapped.push_back(row[column]);
        invalid_.add_null_key(spec_.primary_key[i], mapped);
        return;
      }
      encode_value(key_value, encoded_key_);
    }
    hash_columns(row, columns_.mapped, encoded_row_, hashes_);
    keys_.add(encoded_key_);
    row_ref_.clear();
    RowSpillFile::encode_ref(rows_file_.append(encoded_row_), row_ref_);
    encode_snapshot_entry(hashes_, row_ref_, entry_);
    // The row's position as sequence: duplicates stay distinct and adjacent.
    assign_entry_key(encoded_key_, rows_, entry_key_);
    runs_.add(entry_key_, entry_);
  }

  void finish() { runs_.finish(); }

  std::uint64_t rows() const { return rows_; }

 private:
  SortedRunWriter runs_;
  RowSpillFile& rows_file_;
  const DiffSpec& spec_;
  const ModelColumns& columns_;
  InvalidRows& invalid_;
  KeySampler& keys_;
  RowHashes hashes_;
  std::string encoded_key_, encoded_row_, row_ref_, entry_, entry_key_;
  std::uint64_t rows_ = 0;
};

// Joins the writing thread on every way out, after stopping it.
class JoinOnExit {
 public:
  JoinOnExit(std::thread& thread, RowBlockQueue& queue) : thread_(thread), queue_(queue) {}
  ~JoinOnExit() {
    if (!thread_.joinable()) return;
    queue_.cancel();
    thread_.join();
  }

 private:
  std::thread& thread_;
  RowBlockQueue& queue_;
};

}  // namespace

std::uint64_t write_generation(SyncSnapshotDb& store, rocksdb::ColumnFamilyHandle* generation, RowSpillFile& rows,
                               const DiffSpec& spec, const ModelColumns& columns, RowSource& model,
                               InvalidRows& invalid, KeySampler& keys) {
  RowBlockQueue queue(kBlocks, kRowsPerBlock);
  EntryWriter writer(store, generation, rows, spec, columns, invalid, keys);
  std::exception_ptr write_error;
  std::thread writing([&] {
    try {
      while (RowBlock* block = queue.pop_full()) {
        for (std::size_t i = 0; i < block->size; ++i) writer.add(block->rows[i]);
        queue.release(block);
      }
      writer.finish();
      rows.finish_writing();
    } catch (...) {
      write_error = std::current_exception();
      queue.cancel();  // the reader stops at its next block
    }
  });
  {
    JoinOnExit join(writing, queue);  // cancels the writer if reading throws
    while (RowBlock* block = queue.acquire_empty()) {
      block->size = 0;
      while (block->size < block->rows.size() && model.next(block->rows[block->size])) ++block->size;
      const bool at_end = block->size < block->rows.size();
      queue.push_full(block);
      if (at_end) break;
    }
    queue.finish();
    writing.join();
  }
  if (write_error) std::rethrow_exception(write_error);
  return writer.rows();
}

}  // namespace backflow::diff::local
