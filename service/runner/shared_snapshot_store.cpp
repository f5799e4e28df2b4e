#include "service/runner/shared_snapshot_store.h"

#include <map>
#include <mutex>

namespace backflow::runner {

std::shared_ptr<diff::local::SnapshotStore> shared_snapshot_store(const std::filesystem::path& state_dir) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, std::weak_ptr<diff::local::SnapshotStore>> open_stores;
  const std::filesystem::path key = std::filesystem::weakly_canonical(state_dir);
  std::lock_guard lock(mutex);
  if (auto store = open_stores[key].lock()) return store;
  auto store = diff::local::SnapshotStore::open(state_dir);
  open_stores[key] = store;
  return store;
}

}  // namespace backflow::runner
