// The RocksDB database that holds the local engine's snapshots of every sync:
// one DB at `state_dir/snapshots`, each sync's data under its own key prefix
// (see snapshot_keys.h). Open it once per process and share it between the
// engines of all syncs: RocksDB allows one opener per directory. Thread-safe
// (RocksDB is), but a sync must not run twice at the same time.
#pragma once

#include <rocksdb/db.h>

#include <filesystem>
#include <memory>
#include <string>

namespace backflow::diff::local {

class SnapshotStore {
 public:
  // Opens or creates `state_dir/snapshots`. Throws std::runtime_error naming
  // the path when RocksDB cannot open it (e.g. another process holds it).
  static std::shared_ptr<SnapshotStore> open(const std::filesystem::path& state_dir);

  rocksdb::DB& db() { return *db_; }
  const std::filesystem::path& path() const { return path_; }

  // Throws std::runtime_error("snapshot store PATH: <what>: <status>") unless ok.
  void check(const rocksdb::Status& status, const std::string& what) const;

 private:
  SnapshotStore(std::filesystem::path path, std::unique_ptr<rocksdb::DB> db)
      : path_(std::move(path)), db_(std::move(db)) {}
  std::filesystem::path path_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace backflow::diff::local
