// PendingSnapshot of the local engine: a snapshot generation written but not
// yet committed. See pending_snapshot.h for the contract, sync_snapshot_db.h
// and snapshot_keys.h for the layout.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "diff/diff_spec.h"
#include "diff/invalid_rows.h"
#include "diff/local/row_spill_file.h"
#include "diff/local/sync_snapshot_db.h"
#include "diff/local/sync_meta.h"
#include "diff/pending_snapshot.h"

namespace backflow::diff::local {

class LocalPendingSnapshot final : public PendingSnapshot {
 public:
  // Takes over generation `current_generation`, already written with every
  // model row, whose entries refer to the rows in `rows`. `invalid` holds
  // the NULL-key rows found while writing it. Runs the merge: counts, stores
  // the change records (rows included), records duplicates as invalid and
  // replaces them by their committed state, then removes `rows`. The key
  // ranges cut at `merge_boundaries` (encoded keys, ascending) are merged
  // on threads of their own, the first on the calling thread. On a throw
  // the generation is dropped.
  LocalPendingSnapshot(std::shared_ptr<SyncSnapshotDb> store, DiffSpec spec, SyncMeta committed,
                       std::uint64_t current_generation, std::uint64_t rows_read, InvalidRows invalid,
                       std::unique_ptr<RowSpillFile> rows, std::vector<std::string> merge_boundaries);
  // Reopens generation `current_generation` as left by a run whose process
  // died after diff() returned: its change records are complete (merge()
  // flushes them), so nothing is re-read or re-merged. `counts` are the ones
  // that run reported. Throws DiffError when the generation is missing.
  struct Resumed {};
  LocalPendingSnapshot(Resumed, std::shared_ptr<SyncSnapshotDb> store, DiffSpec spec, SyncMeta committed,
                       std::uint64_t current_generation, DiffCounts counts);
  ~LocalPendingSnapshot() override;

  const DiffCounts& counts() const override { return counts_; }
  const std::vector<InvalidRow>& invalid_sample() const override { return invalid_.sample(); }
  void for_each_change(const ChangeSink& sink) override;
  void commit(const std::vector<Row>& excluded_keys) override;
  void keep_for_resume() noexcept override { finished_ = true; }

 private:
  void resolve_layout();
  // What merging one key range found; its change records are in
  // `change_file` (empty path: none).
  struct RangeMerge {
    std::uint64_t added = 0, changed = 0, removed = 0;
    InvalidRows invalid;
    std::filesystem::path change_file;
  };
  void merge(const RowSpillFile& rows, const std::vector<std::string>& boundaries);
  // Merges the keys in [from, to) (a null bound is open) into `out`.
  void merge_range(const RowSpillFile& rows, const std::string* from, const std::string* to, std::size_t index,
                   RangeMerge& out) const;
  // Drops the uncommitted generation (best effort: the next run retries).
  void discard() noexcept;
  // A committed entry rewritten for the current column layout.
  std::string carry_over(std::string_view committed_entry) const;
  bool same_layout() const { return committed_.mapped_columns == spec_.mapped_columns; }

  std::shared_ptr<SyncSnapshotDb> store_;
  DiffSpec spec_;
  SyncMeta committed_;
  std::uint64_t current_generation_;
  rocksdb::ColumnFamilyHandle* current_;          // owned by store_
  rocksdb::ColumnFamilyHandle* committed_family_;  // owned by store_; null if nothing committed
  std::vector<int> committed_column_of_;  // per mapped column: index in committed layout or -1
  std::vector<std::string> retry_keys_;   // encoded, sorted, unique
  InvalidRows invalid_;
  DiffCounts counts_;
  bool finished_ = false;
};

}  // namespace backflow::diff::local
