// Moves the committed snapshots of the first local-engine layout (one
// RocksDB at `state_dir/snapshots` for every sync, a generation being the
// column family "snapshot:<sync>:<n>") into per-sync databases, so that an
// upgrade keeps every sync incremental instead of resending its model.
#pragma once

#include <filesystem>

namespace backflow::diff::local {

class SnapshotStore;

// Does nothing unless `state_dir/snapshots` holds the old layout. The old
// database is first renamed to `state_dir/snapshots.shared-layout`, then
// each sync's committed generation and meta are copied (the meta last, with
// a synced write) and the old database is removed. A crash in between is
// finished by the next call. Uncommitted generations are not copied: their
// runs start over. Throws std::runtime_error naming the path on any error.
void migrate_shared_layout(const std::filesystem::path& state_dir, SnapshotStore& store);

}  // namespace backflow::diff::local
