// Writes a generation's snapshot entries, which arrive in model order, as
// sorted table files ingested into the generation's column family, instead
// of through RocksDB's memtables. Entries collect in a buffer; a full buffer
// is handed to a thread of its own that sorts it (on the key's first 16
// bytes as two integers, then the rest) and writes and ingests it as one level-0 file,
// while the next buffer fills. Memory: at most three buffers of
// `buffer_bytes` (one filling, one handed over, one being written; two in
// practice, since writing a run takes a fraction of the time filling one
// does), plus 32 bytes per entry for the sort.
//
// Why not memtables: a memtable keeps its entries sorted by RocksDB's
// internal-key comparator, a skiplist insert or a sort of the sealed
// memtable per entry, which cost as much CPU as the writer's own hashing and
// slowed the reading thread they share two cores with (docs/diff.md §4).
//
// Keys must be distinct (SstFileWriter refuses equal keys). One thread
// calls add() and finish(); not thread-safe otherwise.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <rocksdb/db.h>

#include "diff/local/sync_snapshot_db.h"

namespace backflow::diff::local {

class SortedRunWriter {
 public:
  // Table files are written as `directory`/`file_prefix`-<n>.sst before
  // their ingestion moves them into the database.
  SortedRunWriter(SyncSnapshotDb& store, rocksdb::ColumnFamilyHandle* generation, std::filesystem::path directory,
                  std::string file_prefix, std::size_t buffer_bytes = 16 << 20);
  // Stops the writing thread; entries not yet ingested are lost (the caller
  // drops the generation of a run that did not finish).
  ~SortedRunWriter();
  SortedRunWriter(const SortedRunWriter&) = delete;
  SortedRunWriter& operator=(const SortedRunWriter&) = delete;

  // Rethrows an earlier error of the writing thread (std::runtime_error
  // naming the file and RocksDB's status).
  void add(std::string_view key, std::string_view value);
  // Writes and ingests what is buffered and waits until every file is
  // ingested; rethrows the writing thread's error.
  void finish();

  // Files ingested; read it after finish().
  std::size_t files() const { return files_; }

 private:
  struct Buffer {
    struct Entry {
      // The key's first 16 bytes, big-endian, zero-padded: for an integer
      // key (prefix, type tag, 8 bytes) they decide nearly every comparison.
      std::uint64_t high, low;
      std::uint32_t offset;  // of the key in `bytes`; the value follows it
      std::uint32_t key_size;
      std::uint32_t value_size;
    };
    std::string bytes;
    std::vector<Entry> entries;
    bool empty() const { return entries.empty(); }
  };

  void hand_over();  // passes filling_ to the writing thread
  void write_loop();
  void write_run(Buffer& buffer, std::size_t number);

  SyncSnapshotDb& store_;
  rocksdb::ColumnFamilyHandle* generation_;
  std::filesystem::path directory_;
  std::string file_prefix_;
  std::size_t buffer_bytes_;
  Buffer filling_;

  std::mutex mutex_;
  std::condition_variable changed_;
  Buffer handed_;         // guarded by mutex_
  bool has_handed_ = false;
  bool writing_ = false;  // the thread is writing a run
  bool stopping_ = false;
  std::exception_ptr error_;
  std::size_t next_number_ = 0;  // guarded by mutex_
  std::size_t files_ = 0;        // guarded by mutex_
  std::thread thread_;
};

}  // namespace backflow::diff::local
