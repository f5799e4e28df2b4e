// Runs the warehouse engine's statements on a connection it does not own,
// announcing each to an optional observer first (logging, crash tests).
// Not thread-safe, like the connection.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "odbc/connection.h"

namespace backflow::diff::warehouse {

class StatementRunner {
 public:
  StatementRunner(odbc::Connection& connection, std::function<void(std::string_view)> before)
      : connection_(connection), before_(std::move(before)) {}
  // Runs one statement (an empty one is skipped); returns the rows affected.
  std::int64_t execute(const std::string& sql, const std::vector<Value>& params = {});
  // Runs a query; the reader must be destroyed before the connection.
  odbc::ResultReader query(const std::string& sql);
  // Runs `statements` in one transaction (or one by one when !transactional);
  // on failure rolls back and rethrows. Autocommit is on again afterwards.
  void run_all(const std::vector<std::string>& statements, bool transactional);
  // Runs `create_sql`, then `insert_sql` once per key (bound parameters) in
  // one transaction.
  void load_keys(const std::string& create_sql, const std::string& insert_sql, const std::vector<Row>& keys);
  odbc::Connection& connection() { return connection_; }

 private:
  odbc::Connection& connection_;
  std::function<void(std::string_view)> before_;
};

}  // namespace backflow::diff::warehouse
