// The RocksDB database that holds the local engine's snapshots of every sync:
// one DB at `state_dir/snapshots`. Each snapshot generation of a sync is its
// own column family ("snapshot:<sync>:<generation>"), so that dropping a
// superseded generation frees its files at once, with no compaction; the
// default column family holds each sync's SyncMeta. Open it once per process
// and share it between the engines of all syncs: RocksDB allows one opener
// per directory. Thread-safe; but a sync must not run twice at the same time.
#pragma once

#include <rocksdb/cache.h>
#include <rocksdb/db.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace backflow::diff::local {

class SnapshotStore {
 public:
  // Opens or creates `state_dir/snapshots` with every column family in it.
  // Throws std::runtime_error naming the path when RocksDB cannot open it
  // (e.g. another process holds it).
  static std::shared_ptr<SnapshotStore> open(const std::filesystem::path& state_dir);
  ~SnapshotStore();

  rocksdb::DB& db() { return *db_; }
  rocksdb::ColumnFamilyHandle* meta_family() { return db_->DefaultColumnFamily(); }
  const std::filesystem::path& path() const { return path_; }

  // The column family of a generation, created empty by create_generation.
  // Pointers stay valid until drop_generation of the same generation.
  rocksdb::ColumnFamilyHandle* create_generation(const std::string& sync_name, std::uint64_t generation);
  rocksdb::ColumnFamilyHandle* generation(const std::string& sync_name, std::uint64_t generation);  // or nullptr
  void drop_generation(const std::string& sync_name, std::uint64_t generation);
  // Every generation of `sync_name` present, in ascending order.
  std::vector<std::uint64_t> generations(const std::string& sync_name);

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

  SnapshotStore() = default;
  rocksdb::ColumnFamilyOptions generation_options() const;

  std::filesystem::path path_;
  // Index blocks of every generation's files, bounded whatever the number of
  // files (which grows with the models).
  std::shared_ptr<rocksdb::Cache> block_cache_;
  std::unique_ptr<rocksdb::DB> db_;  // declared before the handles: closed after them
  std::mutex mutex_;
  std::map<std::string, Handle> families_;
};

}  // namespace backflow::diff::local
