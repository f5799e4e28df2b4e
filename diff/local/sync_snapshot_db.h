// The RocksDB database holding one sync's local snapshots, in its own
// directory under `state_dir/snapshots/`. Each snapshot generation is a
// column family ("generation:<n>"), so that dropping a superseded generation
// frees its files at once, with no compaction; the default column family
// holds the sync's SyncMeta.
//
// One database per sync, not one for all: RocksDB rewrites and re-parses a
// database's OPTIONS file, which lists every column family, on each column
// family created or dropped. In a shared database that cost grew with the
// number of syncs and took most of the service's CPU at 100 syncs.
//
// Obtained from SnapshotStore::sync(). Thread-safe, but the sync must not run
// twice at the same time.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace backflow::diff::local {

// What every sync's database of a store shares, so that memory stays bounded
// whatever the number of syncs.
struct SnapshotResources {
  std::shared_ptr<rocksdb::Cache> block_cache;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers;
};

class SyncSnapshotDb {
 public:
  // Opens or creates the database at `path` with every column family in it.
  // Throws std::runtime_error naming the path when RocksDB cannot open it.
  static std::unique_ptr<SyncSnapshotDb> open(const std::filesystem::path& path, std::string sync_name,
                                              const SnapshotResources& resources);
  ~SyncSnapshotDb();

  rocksdb::DB& db() { return *db_; }
  rocksdb::ColumnFamilyHandle* meta_family() { return db_->DefaultColumnFamily(); }
  const std::filesystem::path& path() const { return path_; }
  const std::string& sync_name() const { return sync_name_; }

  // The column family of a generation, created empty by create_generation.
  // Pointers stay valid until drop_generation of the same generation.
  rocksdb::ColumnFamilyHandle* create_generation(std::uint64_t generation);
  rocksdb::ColumnFamilyHandle* generation(std::uint64_t generation);  // or nullptr
  void drop_generation(std::uint64_t generation);
  // Every generation present, in ascending order.
  std::vector<std::uint64_t> generations();

  // Table files written outside the database (rocksdb::SstFileWriter) with
  // these options have a generation's format; ingest_tables() moves such
  // finished files, whose key ranges must not overlap, into `generation` in
  // one atomic step, durably, bypassing the memtables.
  rocksdb::Options table_file_options() const;
  void ingest_tables(rocksdb::ColumnFamilyHandle* generation, const std::vector<std::filesystem::path>& files);

  // For writes into an uncommitted generation: no WAL, since such a
  // generation is worthless after a crash; the commit flushes the
  // generation before its synced write.
  static rocksdb::WriteOptions bulk_write_options();

  // Throws std::runtime_error("snapshot store PATH: <what>: <status>") unless ok.
  void check(const rocksdb::Status& status, const std::string& what) const;

 private:
  struct HandleCloser {
    rocksdb::DB* db;
    void operator()(rocksdb::ColumnFamilyHandle* handle) const { db->DestroyColumnFamilyHandle(handle); }
  };
  using Handle = std::unique_ptr<rocksdb::ColumnFamilyHandle, HandleCloser>;

  SyncSnapshotDb() = default;
  rocksdb::ColumnFamilyOptions generation_options() const;

  std::filesystem::path path_;
  std::string sync_name_;
  SnapshotResources resources_;
  std::unique_ptr<rocksdb::DB> db_;  // declared before the handles: closed after them
  std::mutex mutex_;
  std::map<std::uint64_t, Handle> generations_;
};

}  // namespace backflow::diff::local
