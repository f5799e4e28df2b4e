#include "service/runner/shared_snapshot_store.h"

#include <map>
#include <mutex>

namespace backflow::runner {
namespace {

struct OpenStore {
  std::shared_ptr<diff::local::SnapshotStore> owned;  // the only owner: erasing the entry closes the DB
  std::size_t users = 0;
};

// Opening and closing happen under one mutex: a run that starts while the
// last user of a store is closing it waits for RocksDB to release the
// directory's lock instead of failing on it.
std::mutex open_stores_mutex;
std::map<std::filesystem::path, OpenStore> open_stores;

}  // namespace

std::shared_ptr<diff::local::SnapshotStore> shared_snapshot_store(const std::filesystem::path& state_dir) {
  const std::filesystem::path key = std::filesystem::weakly_canonical(state_dir);
  std::lock_guard lock(open_stores_mutex);
  OpenStore& entry = open_stores[key];
  if (!entry.owned) {
    try {
      entry.owned = diff::local::SnapshotStore::open(state_dir);
    } catch (...) {
      open_stores.erase(key);
      throw;
    }
  }
  ++entry.users;
  return std::shared_ptr<diff::local::SnapshotStore>(entry.owned.get(), [key](diff::local::SnapshotStore*) {
    std::lock_guard release(open_stores_mutex);
    auto it = open_stores.find(key);
    if (it != open_stores.end() && --it->second.users == 0) open_stores.erase(it);  // closes the DB, lock held
  });
}

}  // namespace backflow::runner
