#include "diff/local/local_diff_engine.h"

#include <algorithm>
#include <filesystem>

#include "diff/diff_error.h"
#include "diff/invalid_rows.h"
#include "diff/local/generation_writer.h"
#include "diff/local/key_sampler.h"
#include "diff/local/local_pending_snapshot.h"
#include "diff/local/snapshot_keys.h"
#include "diff/local/sync_meta.h"
#include "diff/model_columns.h"
#include "common/text.h"

namespace backflow::diff::local {

namespace {

SyncMeta load_meta(SyncSnapshotDb& store, const std::string& sync_name) {
  std::string bytes;
  rocksdb::Status status = store.db().Get(rocksdb::ReadOptions(), store.meta_family(), sync_meta_key(sync_name), &bytes);
  if (status.IsNotFound()) return SyncMeta{};
  store.check(status, "reading the snapshot state of sync '" + sync_name + "'");
  return decode_sync_meta(bytes);
}

}  // namespace

std::unique_ptr<PendingSnapshot> LocalDiffEngine::diff(const DiffSpec& spec, RowSource& model) {
  std::shared_ptr<SyncSnapshotDb> store = store_->sync(spec.sync_name);
  SyncMeta committed = load_meta(*store, spec.sync_name);
  if (committed.committed_generation != 0 && !spec.full_resync && committed.primary_key != spec.primary_key) {
    throw DiffError(spec.sync_name, "primary key changed from (" + text::join(committed.primary_key, ", ") + ") to (" +
                                        text::join(spec.primary_key, ", ") +
                                        ") since the last committed snapshot; run a full resync");
  }
  ModelColumns columns = resolve_model_columns(spec, model.columns());
  // Whatever is not the committed generation was left by an interrupted run.
  for (std::uint64_t leftover : store->generations()) {
    if (leftover != committed.committed_generation) store->drop_generation(leftover);
  }

  // Spill files live only as long as one run's merge: any found here are a
  // dead process's.
  const std::filesystem::path spill_dir = store->path() / "spill";
  std::error_code ignored;
  std::filesystem::remove_all(spill_dir, ignored);

  const std::uint64_t generation = committed.committed_generation + 1;
  auto rows = std::make_unique<RowSpillFile>(spill_dir / ("rows-" + std::to_string(generation)));
  rocksdb::ColumnFamilyHandle* family = store->create_generation(generation);
  InvalidRows invalid;
  KeySampler keys;
  std::uint64_t rows_read = 0;
  try {
    rows_read = write_generation(*store, family, *rows, spec, columns, model, invalid, keys);
  } catch (...) {
    try {
      store->drop_generation(generation);
    } catch (...) {
      // The next run drops it; the read error matters more.
    }
    throw;
  }
  const std::uint64_t per_range = std::max<std::uint64_t>(options_.min_rows_per_range, 1);
  const std::size_t ranges = static_cast<std::size_t>(
      std::clamp<std::uint64_t>(rows_read / per_range, 1, std::max<std::size_t>(options_.merge_ranges, 1)));
  return std::make_unique<LocalPendingSnapshot>(std::move(store), spec, std::move(committed), generation, rows_read,
                                                std::move(invalid), std::move(rows), keys.boundaries(ranges));
}

std::unique_ptr<PendingSnapshot> LocalDiffEngine::resume(const DiffSpec& spec, const DiffCounts& counts) {
  std::shared_ptr<SyncSnapshotDb> store = store_->sync(spec.sync_name);
  SyncMeta committed = load_meta(*store, spec.sync_name);
  const std::uint64_t generation = committed.committed_generation + 1;
  if (store->generation(generation) == nullptr) return nullptr;
  return std::make_unique<LocalPendingSnapshot>(LocalPendingSnapshot::Resumed{}, std::move(store), spec, std::move(committed),
                                                generation, counts);
}

}  // namespace backflow::diff::local
