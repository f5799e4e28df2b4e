// PendingSnapshot of the warehouse engine: diff table built, committed table
// untouched until commit(). See pending_snapshot.h.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "diff/diff_spec.h"
#include "diff/invalid_rows.h"
#include "odbc/connection.h"
#include "diff/pending_snapshot.h"
#include "diff/warehouse/dialect_sql.h"
#include "diff/warehouse/statement_runner.h"

namespace backflow::diff::warehouse {

class WarehousePendingSnapshot final : public PendingSnapshot {
 public:
  // `committed_columns`: the committed table's columns (lower case);
  // `keep_committed`: its key slots are this run's; `full_build`: the diff
  // holds every valid row (the commit rebuilds the committed table from it).
  WarehousePendingSnapshot(StatementRunner runner, DiffSql sql, DiffSpec spec, std::set<std::string> committed_columns,
                           bool keep_committed, bool full_build, DiffCounts counts, InvalidRows invalid);
  ~WarehousePendingSnapshot() override;

  // The diff table stays for WarehouseDiffEngine::resume.
  void keep_for_resume() noexcept override { finished_ = true; }
  const DiffCounts& counts() const override { return counts_; }
  const std::vector<InvalidRow>& invalid_sample() const override { return invalid_.sample(); }
  void for_each_change(const ChangeSink& sink) override;
  void commit(const std::vector<Row>& excluded_keys) override;

 private:
  StatementRunner runner_;
  DiffSql sql_;
  DiffSpec spec_;
  std::set<std::string> committed_columns_;
  bool keep_committed_;
  bool full_build_;
  DiffCounts counts_;
  InvalidRows invalid_;
  bool finished_ = false;
};

}  // namespace backflow::diff::warehouse
