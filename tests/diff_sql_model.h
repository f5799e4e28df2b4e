// The RandomModel stored in a real warehouse table (SQLite or PostgreSQL),
// for the warehouse engine tests.
#pragma once

#include <string>
#include <vector>

#include "odbc/connection.h"
#include "model/sql_dialect.h"

namespace backflow::test {

// A connection to a fresh SQLite file or to the suite's PostgreSQL cluster.
odbc::Connection open_warehouse(Dialect dialect, const std::string& label);

class SqlModelTable {
 public:
  // Creates (or recreates) `table` with RandomModel's columns.
  SqlModelTable(odbc::Connection& connection, Dialect dialect, std::string table);

  // Replaces the table's rows with `rows`.
  void replace_rows(const std::vector<Row>& rows);
  // Every row as the warehouse returns it, in table order.
  std::vector<Row> read_back();
  const std::string& name() const { return table_; }
  std::string select_all() const;

 private:
  odbc::Connection& connection_;
  Dialect dialect_;
  std::string table_;
};

}  // namespace backflow::test
