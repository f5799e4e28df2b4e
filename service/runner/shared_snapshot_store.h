// The local engine's snapshot store of a state directory, shared by every run
// of the process: RocksDB lets one opener hold `state_dir/snapshots`, and the
// service runs several syncs at once.
#pragma once

#include <filesystem>
#include <memory>

#include "diff/local/snapshot_store.h"

namespace backflow::runner {

// The open store of `state_dir`, opened on first use and closed when the last
// run holding it ends. Thread-safe. Throws as diff::local::SnapshotStore::open.
std::shared_ptr<diff::local::SnapshotStore> shared_snapshot_store(const std::filesystem::path& state_dir);

}  // namespace backflow::runner
