// The ODBC layer against real SQLite files through the SQLite ODBC driver.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "odbc/connection.h"
#include "odbc/error.h"
#include "model/sql_dialect.h"
#include "tests/odbc_test_helpers.h"
#include "tests/support/test_env.h"

using namespace backflow;
using backflow::test::read_all;
using backflow::test::read_one;

namespace {

odbc::Connection open_sqlite(const std::string& label) {
  auto dir = test::make_temp_dir(label);
  return odbc::Connection::open(test::sqlite_connection_string(dir / "warehouse.db"), label);
}

}  // namespace

TEST_CASE("SQLite: every type round-trips through bound parameters, NULLs included", "[odbc][sqlite]") {
  auto conn = open_sqlite("sqlite-types");
  CHECK(conn.dialect() == Dialect::sqlite);
  conn.execute(
      "create table t (i integer, b boolean, d double, n numeric(38,10), s text, v varchar(10), bl blob, "
      "dt date, ts timestamp, tm time)");
  const std::string long_text = test::mixed_utf8_text(100000);
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes += static_cast<char>(c);
  const Row values{Value::integer(std::numeric_limits<std::int64_t>::max()),
                   Value::boolean(true),
                   Value::real(-2.5e300),
                   Value::decimal("123.25"),
                   Value::text("O'Brien \"quoted\" 漢字 😀"),
                   Value::text(long_text),  // SQLite ignores varchar(10)
                   Value::binary(all_bytes),
                   Value::date({2024, 2, 29}),
                   Value::timestamp({{1999, 12, 31}, {23, 59, 58, 125000000}}),
                   Value::time({12, 34, 56, 500000000})};
  CHECK(conn.execute("insert into t values (?,?,?,?,?,?,?,?,?,?)", values) == 1);
  conn.execute("insert into t values (?,?,?,?,?,?,?,?,?,?)", Row(10, Value::null()));
  conn.execute("insert into t (i) values (?)", {Value::integer(std::numeric_limits<std::int64_t>::min())});

  auto reader = conn.query("select * from t order by rowid");
  const auto& cols = reader.columns();
  REQUIRE(cols.size() == 10);
  CHECK(cols[0].name == "i");
  CHECK(cols[0].type == ValueType::Int);
  CHECK(cols[1].type == ValueType::Bool);
  CHECK(cols[2].type == ValueType::Double);
  CHECK(cols[3].type == ValueType::Decimal);  // sqliteodbc says SQL_DOUBLE; the declared type says decimal
  CHECK(cols[4].type == ValueType::Text);
  CHECK(cols[6].type == ValueType::Binary);
  CHECK(cols[7].type == ValueType::Date);
  CHECK(cols[8].type == ValueType::Timestamp);
  CHECK(cols[9].type == ValueType::Time);
  CHECK(reader.block_rows() == 1);  // sqliteodbc lacks SQL_GD_BLOCK

  Row row;
  REQUIRE(reader.next(row));
  for (std::size_t c = 0; c < values.size(); ++c) {
    INFO("column " << cols[c].name << ": " << row[c].to_display().substr(0, 80));
    CHECK(row[c] == values[c]);
  }
  REQUIRE(reader.next(row));
  for (const auto& v : row) CHECK(v.is_null());
  REQUIRE(reader.next(row));
  CHECK(row[0] == Value::integer(std::numeric_limits<std::int64_t>::min()));
  CHECK_FALSE(reader.next(row));
  CHECK_FALSE(reader.next(row));  // stays at the end
}

TEST_CASE("SQLite: a 10 MB text value and an empty result", "[odbc][sqlite]") {
  auto conn = open_sqlite("sqlite-long");
  conn.execute("create table docs (id integer primary key, body text)");
  const std::string body = test::mixed_utf8_text(10 * 1024 * 1024);
  conn.execute("insert into docs values (1, ?)", {Value::text(body)});
  const Value back = read_one(conn, "select body from docs where id = ?", {Value::integer(1)});
  REQUIRE(back.type() == ValueType::Text);
  CHECK(back.as_text().size() == body.size());
  CHECK(back.as_text() == body);

  odbc::QueryOptions wide;
  wide.read.text_fetch = odbc::TextFetch::wide;
  auto wide_reader = conn.query("select body from docs", {}, wide);
  Row wide_row;
  REQUIRE(wide_reader.next(wide_row));
  CHECK(wide_row[0] == back);

  auto empty = conn.query("select id, body from docs where id < 0");
  CHECK(empty.columns().size() == 2);
  Row row;
  CHECK_FALSE(empty.next(row));
}

TEST_CASE("SQLite: quoted identifiers with spaces and quotes work for real", "[odbc][sqlite]") {
  auto conn = open_sqlite("sqlite-quoting");
  const std::string table = quote_identifier(Dialect::sqlite, "My \"odd\" Table");
  const std::string column = quote_identifier(Dialect::sqlite, "First Name");
  conn.execute("create table " + table + " (" + column + " text)");
  conn.execute("insert into " + table + " values (?)", {Value::text("Ada")});
  auto reader = conn.query("select " + column + " from " + quote_qualified(Dialect::sqlite, "main." + table));
  CHECK(reader.columns().at(0).name == "First Name");
  Row row;
  REQUIRE(reader.next(row));
  CHECK(row[0] == Value::text("Ada"));
}

TEST_CASE("SQLite: a bad query names the warehouse and query and is not transient", "[odbc][sqlite]") {
  auto conn = open_sqlite("sqlite-bad");
  try {
    conn.query("select * from no_such_table");
    FAIL("query succeeded");
  } catch (const odbc::Error& e) {
    const std::string what = e.what();
    CHECK(what.find("warehouse 'sqlite-bad', query 'select * from no_such_table'") != std::string::npos);
    CHECK(what.find("no such table") != std::string::npos);
    CHECK_FALSE(e.transient());
  }
}

TEST_CASE("SQLite: a value that cannot be converted names the column and row", "[odbc][sqlite]") {
  auto conn = open_sqlite("sqlite-conversion");
  conn.execute("create table t (id integer, amount numeric)");
  conn.execute("insert into t values (1, 2.5), (2, 'lots')");  // SQLite keeps the text
  auto reader = conn.query("select id, amount from t order by id");
  Row row;
  REQUIRE(reader.next(row));
  CHECK(row[1] == Value::decimal("2.5"));
  try {
    reader.next(row);
    FAIL("'lots' became a decimal");
  } catch (const odbc::Error& e) {
    CHECK(std::string(e.what()).find("column 'amount' (numeric) in row 2") != std::string::npos);
    CHECK(std::string(e.what()).find("'lots' is not an exact decimal") != std::string::npos);
    CHECK(e.sqlstate() == "22018");
    CHECK_FALSE(e.transient());
  }
}

TEST_CASE("A missing driver is a permanent error that hides the password", "[odbc]") {
  try {
    odbc::Connection::open("Driver=/nonexistent/libnothing.so;Database=x;Pwd=s3cr3t-value", "nodriver");
    FAIL("connected");
  } catch (const odbc::Error& e) {
    const std::string what = e.what();
    CHECK(what.find("warehouse 'nodriver': connecting with 'Driver=/nonexistent/libnothing.so;Database=x;Pwd=***'") !=
          std::string::npos);
    CHECK(what.find("s3cr3t-value") == std::string::npos);
    CHECK_FALSE(e.transient());
  }
}
