// The local engine's snapshots of every sync of a state directory:
// `state_dir/snapshots/<sync directory>/`, one RocksDB per sync
// (sync_snapshot_db.h says why), sharing one bounded block cache and one
// bounded memtable budget. Open it once per process and share it between
// the engines of all syncs: RocksDB allows one opener per directory.
// Thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "diff/local/sync_snapshot_db.h"

namespace backflow::diff::local {

class SnapshotStore : public std::enable_shared_from_this<SnapshotStore> {
 public:
  // Opens `state_dir/snapshots`, creating it if missing, and moves the
  // committed snapshots of an older layout (one RocksDB for every sync) into
  // per-sync databases. Throws std::runtime_error naming the path when the
  // directory cannot be created or the old layout cannot be read.
  static std::shared_ptr<SnapshotStore> open(const std::filesystem::path& state_dir);

  // The database of `sync_name`, opened on first use and closed when the
  // last holder releases it (so an idle sync holds no files open). Throws
  // as SyncSnapshotDb::open.
  std::shared_ptr<SyncSnapshotDb> sync(const std::string& sync_name);

  const std::filesystem::path& path() const { return path_; }

  // The directory name of a sync's database: the name itself when it is
  // made of [A-Za-z0-9_-], else a readable, collision-free escape of it.
  static std::string directory_name(const std::string& sync_name);

 private:
  struct OpenSync {
    std::unique_ptr<SyncSnapshotDb> db;
    std::size_t users = 0;
  };

  SnapshotStore() = default;

  std::filesystem::path path_;
  SnapshotResources resources_;
  // Opening and closing happen under this mutex: a run that starts while the
  // last user of a sync's database is closing it waits for RocksDB to release
  // the directory's lock instead of failing on it.
  std::mutex mutex_;
  std::map<std::string, OpenSync> open_;
};

}  // namespace backflow::diff::local
