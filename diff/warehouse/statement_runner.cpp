#include "diff/warehouse/statement_runner.h"

namespace backflow::diff::warehouse {

std::int64_t StatementRunner::execute(const std::string& sql, const std::vector<Value>& params) {
  if (sql.empty()) return 0;
  if (before_) before_(sql);
  return connection_.execute(sql, params);
}

odbc::ResultReader StatementRunner::query(const std::string& sql) {
  if (before_) before_(sql);
  return connection_.query(sql);
}

void StatementRunner::run_all(const std::vector<std::string>& statements, bool transactional) {
  if (!transactional) {
    for (const auto& s : statements) execute(s);
    return;
  }
  connection_.set_autocommit(false);
  try {
    for (const auto& s : statements) execute(s);
    if (before_) before_("COMMIT");
    connection_.commit();
  } catch (...) {
    try {
      connection_.rollback();
      connection_.set_autocommit(true);
    } catch (...) {
      // The original error says more than a failed rollback.
    }
    throw;
  }
  connection_.set_autocommit(true);
}

void StatementRunner::load_keys(const std::string& create_sql, const std::string& insert_sql,
                                const std::vector<Row>& keys) {
  execute(create_sql);
  connection_.set_autocommit(false);  // one transaction: far fewer round trips to disk
  try {
    for (const Row& key : keys) {
      if (before_) before_(insert_sql);
      connection_.execute(insert_sql, key);
    }
    connection_.commit();
  } catch (...) {
    try {
      connection_.rollback();
      connection_.set_autocommit(true);
    } catch (...) {
    }
    throw;
  }
  connection_.set_autocommit(true);
}

}  // namespace backflow::diff::warehouse
