#include "tests/diff_sql_model.h"

#include "tests/support/test_env.h"

namespace backflow::test {

odbc::Connection open_warehouse(Dialect dialect, const std::string& label) {
  if (dialect == Dialect::sqlite) {
    return odbc::Connection::open(sqlite_connection_string(make_temp_dir(label) / "warehouse.db"), label);
  }
  return odbc::Connection::open(pg_connection_string(), label);
}

SqlModelTable::SqlModelTable(odbc::Connection& connection, Dialect dialect, std::string table)
    : connection_(connection), dialect_(dialect), table_(std::move(table)) {
  const std::string t = quote_qualified(dialect_, table_);
  connection_.execute("DROP TABLE IF EXISTS " + t);
  if (dialect_ == Dialect::sqlite) {
    connection_.execute("CREATE TABLE " + t +
                        " (k1 INTEGER, k2 TEXT, a INTEGER, b TEXT, c NUMERIC, d REAL, e TIMESTAMP, u TEXT)");
  } else {
    connection_.execute("CREATE TABLE " + t +
                        " (k1 integer, k2 text, a bigint, b text, c numeric, d double precision, e timestamp, u text)");
  }
}

std::string SqlModelTable::select_all() const {
  return "SELECT k1, k2, a, b, c, d, e, u FROM " + quote_qualified(dialect_, table_);
}

void SqlModelTable::replace_rows(const std::vector<Row>& rows) {
  const std::string t = quote_qualified(dialect_, table_);
  connection_.set_autocommit(false);
  connection_.execute("DELETE FROM " + t);
  for (const Row& row : rows) {
    connection_.execute("INSERT INTO " + t + " (k1, k2, a, b, c, d, e, u) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row);
  }
  connection_.commit();
  connection_.set_autocommit(true);
}

std::vector<Row> SqlModelTable::read_back() {
  auto reader = connection_.query(select_all());
  std::vector<Row> rows;
  Row row;
  while (reader.next(row)) rows.push_back(row);
  return rows;
}

}  // namespace backflow::test
