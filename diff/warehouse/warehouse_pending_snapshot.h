// PendingSnapshot of the warehouse engine: current and diff tables built,
// committed table untouched until commit(). See pending_snapshot.h.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "diff/diff_spec.h"
#include "diff/invalid_rows.h"
#include "diff/odbc/connection.h"
#include "diff/pending_snapshot.h"
#include "diff/warehouse/dialect_sql.h"
#include "diff/warehouse/statement_runner.h"

namespace backflow::diff::warehouse {

class WarehousePendingSnapshot final : public PendingSnapshot {
 public:
  WarehousePendingSnapshot(StatementRunner runner, DiffSql sql, DiffSpec spec, std::set<std::string> committed_hash_slots,
                           bool keep_committed, DiffCounts counts, InvalidRows invalid);
  ~WarehousePendingSnapshot() override;

  // The current, diff and changes tables stay for WarehouseDiffEngine::resume.
  void keep_for_resume() noexcept override { finished_ = true; }
  const DiffCounts& counts() const override { return counts_; }
  const std::vector<InvalidRow>& invalid_sample() const override { return invalid_.sample(); }
  void for_each_change(const ChangeSink& sink) override;
  void commit(const std::vector<Row>& excluded_keys) override;

 private:
  StatementRunner runner_;
  DiffSql sql_;
  DiffSpec spec_;
  std::set<std::string> committed_hash_slots_;
  bool keep_committed_;
  DiffCounts counts_;
  InvalidRows invalid_;
  bool finished_ = false;
};

}  // namespace backflow::diff::warehouse
