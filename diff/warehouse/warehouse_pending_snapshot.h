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

namespace backflow::diff::warehouse {

// Runs statements on a connection, announcing each first.
class StatementRunner {
 public:
  StatementRunner(odbc::Connection& connection, std::function<void(std::string_view)> before)
      : connection_(connection), before_(std::move(before)) {}
  std::int64_t execute(const std::string& sql, const std::vector<Value>& params = {});
  odbc::ResultReader query(const std::string& sql);
  // Runs `statements` in one transaction (or one by one when !transactional).
  void run_all(const std::vector<std::string>& statements, bool transactional);
  // Creates `table` (via create_sql) and fills it with `keys`.
  void load_keys(const std::string& create_sql, const std::string& insert_sql, const std::vector<Row>& keys);
  odbc::Connection& connection() { return connection_; }

 private:
  odbc::Connection& connection_;
  std::function<void(std::string_view)> before_;
};

class WarehousePendingSnapshot final : public PendingSnapshot {
 public:
  WarehousePendingSnapshot(StatementRunner runner, DiffSql sql, DiffSpec spec, std::set<std::string> committed_hash_slots,
                           bool keep_committed, DiffCounts counts, InvalidRows invalid);
  ~WarehousePendingSnapshot() override;

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
