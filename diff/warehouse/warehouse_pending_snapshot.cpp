#include "diff/warehouse/warehouse_pending_snapshot.h"

#include "diff/diff_error.h"
#include "diff/record_key.h"

namespace backflow::diff::warehouse {

WarehousePendingSnapshot::WarehousePendingSnapshot(StatementRunner runner, DiffSql sql, DiffSpec spec,
                                                   std::set<std::string> committed_columns, bool keep_committed,
                                                   bool full_build, DiffCounts counts, InvalidRows invalid)
    : runner_(std::move(runner)),
      sql_(std::move(sql)),
      spec_(std::move(spec)),
      committed_columns_(std::move(committed_columns)),
      keep_committed_(keep_committed),
      full_build_(full_build),
      counts_(counts),
      invalid_(std::move(invalid)) {}

WarehousePendingSnapshot::~WarehousePendingSnapshot() {
  if (finished_) return;
  // Abandoned run: the transient tables go; the next run would drop them anyway.
  try {
    for (const auto& drop : sql_.drop_transient_tables()) runner_.connection().execute(drop);
  } catch (...) {
  }
}

void WarehousePendingSnapshot::for_each_change(const ChangeSink& sink) {
  if (finished_) throw DiffError(spec_.sync_name, "changes requested after the snapshot was committed");
  const std::size_t key_count = spec_.primary_key.size();
  const std::size_t mapped_count = spec_.mapped_columns.size();
  Change change;
  Row row;
  {
    odbc::ResultReader reader = runner_.query(sql_.changed_rows());
    while (reader.next(row)) {
      change.op = row[0].as_text() == "a" ? ChangeOp::Added : ChangeOp::Changed;
      const std::string& mask = row[1].is_null() ? std::string() : row[1].as_text();
      change.changed_columns.clear();
      for (std::size_t i = 0; i < mask.size() && i < mapped_count; ++i) {
        if (mask[i] == '1') change.changed_columns.push_back(i);
      }
      // Key slots then value slots, as copied from the model by the diff.
      change.key = make_record_key(Row(row.begin() + 2, row.begin() + 2 + static_cast<std::ptrdiff_t>(key_count)));
      change.row.assign(row.begin() + 2 + static_cast<std::ptrdiff_t>(key_count), row.end());
      sink(change);
    }
  }
  odbc::ResultReader reader = runner_.query(sql_.removed_keys());
  change.op = ChangeOp::Removed;
  change.row.clear();
  change.changed_columns.clear();
  while (reader.next(row)) {
    change.key = make_record_key(row);
    sink(change);
  }
}

void WarehousePendingSnapshot::commit(const std::vector<Row>& excluded_keys) {
  if (finished_) throw DiffError(spec_.sync_name, "snapshot committed twice");
  // A resumed run may find what its interrupted commit had built.
  for (const auto& drop : sql_.drop_commit_leftovers()) runner_.execute(drop);
  const bool excluded = !excluded_keys.empty();
  if (excluded) {
    runner_.load_keys(sql_.create_excluded_keys(), sql_.insert_key(sql_.tables().excluded_keys), excluded_keys);
  }
  if (sql_.commits_in_place() && !full_build_) {
    // Only the changed records are written (transactional DDL: the diff
    // table is dropped in the same transaction).
    runner_.run_all(sql_.commit_in_place(excluded), true);
  } else {
    runner_.execute(sql_.create_next(spec_.full_resync, excluded, keep_committed_, committed_columns_));
    SwapPlan swap = sql_.swap(sql_.tables().next);
    runner_.run_all(swap.statements, swap.transactional);
  }
  finished_ = true;
  // Best effort: the next run drops leftovers.
  try {
    for (const auto& drop : sql_.drop_transient_tables()) runner_.execute(drop);
  } catch (...) {
  }
}

}  // namespace backflow::diff::warehouse
