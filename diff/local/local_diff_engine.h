// The local diff engine: streams the model through the service and keeps
// snapshots in RocksDB (see docs/diff.md). Memory does not grow with the
// model: rows go to RocksDB in batches, and duplicates, changes and removals
// come from a merge of two sorted key ranges.
//
// Thread-safety: one engine may serve several syncs concurrently, but one
// sync must not have two runs at the same time.
#pragma once

#include <cstdint>
#include <memory>

#include "diff/diff_spec.h"
#include "diff/local/snapshot_store.h"
#include "diff/pending_snapshot.h"
#include "model/row_source.h"

namespace backflow::diff::local {

// How a run's merge is split: the key space is cut into up to
// `merge_ranges` ranges of about equal size (from a sample of the keys
// read), merged by as many threads, one range per thread. A model of fewer
// than `min_rows_per_range` rows per range uses fewer ranges, since a
// thread costs more than it saves on a small merge.
struct LocalDiffOptions {
  std::size_t merge_ranges = 2;
  std::uint64_t min_rows_per_range = 1 << 16;
};

class LocalDiffEngine {
 public:
  explicit LocalDiffEngine(std::shared_ptr<SnapshotStore> store, LocalDiffOptions options = {})
      : store_(std::move(store)), options_(options) {}

  // Cleans what an interrupted earlier run of this sync left, reads `model`
  // to its end into a new snapshot and compares it with the committed one.
  // Throws DiffError for a missing key or mapped column, a changed primary
  // key or a committed generation missing from the store (both suggesting a
  // full resync); rethrows the model's read error. On any
  // throw the committed snapshot is untouched and the new one discarded.
  std::unique_ptr<PendingSnapshot> diff(const DiffSpec& spec, RowSource& model);

  // Reopens the pending snapshot of a run whose process died after diff()
  // returned (its generation is durable by then), so the run can resume
  // delivery without re-reading the model; for_each_change() yields the same
  // changes in the same (key) order. `counts` are those the run recorded
  // (invalid samples are not kept). Returns null when there is nothing to
  // resume: the generation was committed already or dropped. Call it before
  // diff(), which drops such leftovers.
  std::unique_ptr<PendingSnapshot> resume(const DiffSpec& spec, const DiffCounts& counts);

 private:
  std::shared_ptr<SnapshotStore> store_;
  LocalDiffOptions options_;
};

}  // namespace backflow::diff::local
