// Long values in several rows of one fetch block, NULLs between them, and
// multi-byte text split across the bound buffer's edge: every driver must
// hand back every row and every value exactly. MariaDB's Connector/ODBC
// 3.1 lost rows and values here when its advertised positioned SQLGetData
// was used (see BlockFetch); the same data is read on every driver the
// suite runs.
#include <catch2/catch.hpp>

#include <string>

#include "odbc/connection.h"
#include "odbc/error.h"
#include "tests/support/test_env.h"

using namespace backflow;

namespace {

constexpr int kRows = 2500;  // three blocks of 1,000

bool is_null_row(int n) { return n % 11 == 0; }
bool is_long_text_row(int n) { return n % 37 == 5 || (n >= 1200 && n <= 1204); }
bool is_long_binary_row(int n) { return n % 53 == 7; }

// What the SQL below builds for row n: 4,093 to 4,095 ASCII bytes, then
// two-byte characters, so that one of them straddles the 4,096-byte buffer.
std::string expected_text(int n) {
  if (is_null_row(n)) return "";
  if (!is_long_text_row(n)) return "row " + std::to_string(n);
  std::string text(static_cast<std::size_t>(4095 - n % 3), 'x');
  for (int i = 0; i < 300; ++i) text += "\xc3\xa9";  // é
  return text + "#" + std::to_string(n);
}

std::string expected_binary(int n) {
  if (!is_long_binary_row(n)) return "b" + std::to_string(n);
  return std::string(6000, 'b') + std::to_string(n);
}

void check_every_row(odbc::Connection& conn, const std::string& select) {
  auto reader = conn.query(select);
  Row row;
  int n = 0;
  while (reader.next(row)) {
    ++n;
    INFO("row " << n);
    REQUIRE(row.size() == 3);
    REQUIRE(row[0].as_int() == n);
    if (is_null_row(n)) {
      CHECK(row[1].is_null());
    } else {
      REQUIRE(row[1].type() == ValueType::Text);
      CHECK(row[1].as_text().size() == expected_text(n).size());
      CHECK(row[1].as_text() == expected_text(n));
    }
    REQUIRE(row[2].type() == ValueType::Binary);
    CHECK(row[2].as_binary() == expected_binary(n));
  }
  CHECK(n == kRows);
  CHECK(reader.rows_read() == static_cast<std::uint64_t>(kRows));
}

}  // namespace

TEST_CASE("PostgreSQL: long values in several rows of one block are read whole", "[pg][odbc]") {
  auto conn = odbc::Connection::open(test::pg_connection_string(), "pg-long");
  CHECK(conn.block_fetch() == odbc::BlockFetch::positioned);
  conn.execute("drop table if exists long_values");
  conn.execute("create table long_values (id integer primary key, t text, b bytea)");
  conn.execute(
      "insert into long_values select n, case when n % 11 = 0 then null "
      "when n % 37 = 5 or n between 1200 and 1204 then repeat('x', 4095 - n % 3) || repeat('é', 300) || '#' || n "
      "else 'row ' || n end, "
      "case when n % 53 = 7 then convert_to(repeat('b', 6000) || n, 'UTF8') else convert_to('b' || n, 'UTF8') end "
      "from generate_series(1, " + std::to_string(kRows) + ") n");
  check_every_row(conn, "select id, t, b from long_values order by id");
}

TEST_CASE("SQLite: long values in several rows are read whole", "[odbc]") {
  const auto dir = test::make_temp_dir("sqlite-long");
  auto conn = odbc::Connection::open(test::sqlite_connection_string(dir / "long.db"), "sqlite-long");
  CHECK(conn.block_fetch() == odbc::BlockFetch::none);
  conn.execute("create table long_values (id integer primary key, t text, b blob)");
  conn.set_autocommit(false);
  for (int n = 1; n <= kRows; ++n) {
    conn.execute("insert into long_values values (?, ?, ?)",
                 {Value::integer(n), is_null_row(n) ? Value::null() : Value::text(expected_text(n)),
                  Value::binary(expected_binary(n))});
  }
  conn.commit();
  conn.set_autocommit(true);
  check_every_row(conn, "select id, t, b from long_values order by id");
}

namespace {

// Each test its own database: ctest runs them side by side.
odbc::Connection open_mariadb_with_long_values(const std::string& database) {
  auto conn = odbc::Connection::open(test::mariadb_fresh_database(database), "mariadb-long");
  conn.execute("drop table if exists long_values");
  conn.execute("create table long_values (id integer primary key, t text, b blob) character set utf8mb4");
  conn.execute(
      "insert into long_values select seq, case when n % 11 = 0 then null "
      "when n % 37 = 5 or n between 1200 and 1204 then concat(repeat('x', 4095 - n % 3), repeat('é', 300), '#', n) "
      "else concat('row ', n) end, "
      "case when n % 53 = 7 then concat(repeat('b', 6000), n) else concat('b', n) end "
      "from (select seq, seq as n from seq_1_to_" + std::to_string(kRows) + ") s");
  return conn;
}

}  // namespace

TEST_CASE("MariaDB: long values in several rows of one block are read whole", "[mariadb][odbc]") {
  auto conn = open_mariadb_with_long_values("odbc_long_blocks");
  CHECK(conn.dialect() == Dialect::mysql);
  // The driver advertises positioned SQLGetData; it is not taken at its word.
  CHECK(conn.block_fetch() == odbc::BlockFetch::whole_values);
  check_every_row(conn, "select id, t, b from long_values order by id");
  // A result whose columns all fit their buffers is still read in blocks.
  auto narrow = conn.query("select id, cast(left(t, 10) as char(10)) from long_values order by id");
  Row row;
  REQUIRE(narrow.next(row));
  CHECK(narrow.block_rows() == 1000);
  auto wide = conn.query("select id, t, b from long_values order by id");
  REQUIRE(wide.next(row));
  CHECK(wide.block_rows() == 1);
}

TEST_CASE("MariaDB: a bigger bound buffer or a small one reads the same values", "[mariadb][odbc]") {
  auto conn = open_mariadb_with_long_values("odbc_long_buffers");
  for (std::size_t bound : {64, 512, 16384}) {
    INFO("max_bound_bytes " << bound);
    odbc::QueryOptions options;
    options.read.max_bound_bytes = bound;
    auto reader = conn.query("select id, t from long_values order by id", {}, options);
    Row row;
    int n = 0;
    while (reader.next(row)) {
      ++n;
      if (is_null_row(n)) {
        CHECK(row[1].is_null());
      } else {
        CHECK(row[1].as_text() == expected_text(n));
      }
    }
    CHECK(n == kRows);
  }
}
