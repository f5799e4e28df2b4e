// The ODBC layer against the suite's PostgreSQL cluster through psqlODBC.
#include <catch2/catch.hpp>

#include <chrono>
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

odbc::Connection open_pg(const odbc::ConnectionOptions& options = {}) {
  return odbc::Connection::open(test::pg_connection_string(), "pg-test", options);
}

}  // namespace

TEST_CASE("PostgreSQL: column metadata and typed values of every type", "[pg][odbc]") {
  auto conn = open_pg();
  CHECK(conn.dialect() == Dialect::postgres);
  CHECK(conn.block_fetch() == odbc::BlockFetch::positioned);
  auto reader = conn.query(
      "select 42::int4 as i4, true as b, 1.5::float8 as f8, 12.50::numeric(10,2) as n, 'hé'::text as t, "
      "'abc'::varchar(7) as v, '\\x00ff10'::bytea as by, '2024-02-29'::date as d, "
      "'2024-02-29 23:59:59.123456'::timestamp as ts, '2024-05-01 12:00:00.5+02'::timestamptz as tz, "
      "'12:34:56.25'::time as tm, null::int8 as nothing");
  const auto& c = reader.columns();
  REQUIRE(c.size() == 12);
  CHECK(c[0].name == "i4");
  CHECK(c[0].type == ValueType::Int);
  CHECK(c[0].type_name == "int4");
  CHECK(c[0].sql_type == SQL_INTEGER);
  CHECK(c[1].type == ValueType::Bool);
  CHECK(c[2].type == ValueType::Double);
  CHECK(c[3].type == ValueType::Decimal);
  CHECK(c[3].size == 10);
  CHECK(c[3].scale == 2);
  CHECK(c[4].type == ValueType::Text);
  CHECK(c[5].type == ValueType::Text);
  CHECK(c[5].size == 7);
  CHECK(c[6].type == ValueType::Binary);
  CHECK(c[7].type == ValueType::Date);
  CHECK(c[8].type == ValueType::Timestamp);
  CHECK(c[9].type == ValueType::TimestampTz);
  CHECK(c[10].type == ValueType::Time);
  CHECK(c[11].type == ValueType::Int);

  Row row;
  REQUIRE(reader.next(row));
  CHECK(row[0] == Value::integer(42));
  CHECK(row[1] == Value::boolean(true));
  CHECK(row[2] == Value::real(1.5));
  CHECK(row[3] == Value::decimal("12.50"));
  CHECK(row[4] == Value::text("hé"));
  CHECK(row[5] == Value::text("abc"));
  CHECK(row[6] == Value::binary(std::string("\x00\xff\x10", 3)));
  CHECK(row[7] == Value::date({2024, 2, 29}));
  CHECK(row[8] == Value::timestamp({{2024, 2, 29}, {23, 59, 59, 123456000}}));
  CHECK(row[9] == Value::timestamp_tz({{2024, 5, 1}, {10, 0, 0, 500000000}}));  // normalised to UTC
  CHECK(row[10] == Value::time({12, 34, 56, 250000000}));
  CHECK(row[11].is_null());
  CHECK_FALSE(reader.next(row));
}

TEST_CASE("PostgreSQL: integer and float limits, 38-digit decimals, emoji and CJK", "[pg][odbc]") {
  auto conn = open_pg();
  auto rows = read_all(conn,
                       "select (-32768)::int2, 32767::int2, (-2147483648)::int4, 2147483647::int4, "
                       "(-9223372036854775808)::int8, 9223372036854775807::int8, "
                       "'Infinity'::float8, '-Infinity'::float8, 'NaN'::float8, 'Infinity'::float4, "
                       "1.7976931348623157e308::float8, 4.9e-324::float8, "
                       "12345678901234567890.123456789012345678::numeric(38,18), "
                       "(-99999999999999999999999999999999999999)::numeric(38,0), 1e-30::numeric, "
                       "'😀👍🏽 漢字かなカナ 한국어'::text");
  REQUIRE(rows.size() == 1);
  const Row& r = rows[0];
  CHECK(r[0] == Value::integer(-32768));
  CHECK(r[1] == Value::integer(32767));
  CHECK(r[2] == Value::integer(std::numeric_limits<std::int32_t>::min()));
  CHECK(r[3] == Value::integer(std::numeric_limits<std::int32_t>::max()));
  CHECK(r[4] == Value::integer(std::numeric_limits<std::int64_t>::min()));
  CHECK(r[5] == Value::integer(std::numeric_limits<std::int64_t>::max()));
  CHECK(r[6] == Value::real(std::numeric_limits<double>::infinity()));
  CHECK(r[7] == Value::real(-std::numeric_limits<double>::infinity()));
  REQUIRE(r[8].type() == ValueType::Double);
  CHECK(std::isnan(r[8].as_double()));
  CHECK(r[9] == Value::real(std::numeric_limits<double>::infinity()));
  CHECK(r[10] == Value::real(std::numeric_limits<double>::max()));
  CHECK(r[11] == Value::real(std::numeric_limits<double>::denorm_min()));
  CHECK(r[12] == Value::decimal("12345678901234567890.123456789012345678"));
  CHECK(r[13] == Value::decimal("-99999999999999999999999999999999999999"));
  CHECK(r[14] == Value::decimal("0.000000000000000000000000000001"));
  CHECK(r[15] == Value::text("😀👍🏽 漢字かなカナ 한국어"));
}

TEST_CASE("PostgreSQL: parameters of every type round-trip, quotes and NULLs included", "[pg][odbc]") {
  auto conn = open_pg();
  conn.execute("drop table if exists odbc_params");
  conn.execute(
      "create table odbc_params (id int8, flag bool, amount numeric(38,18), ratio float8, name text, "
      "born date, seen timestamp, seen_tz timestamptz, at time, payload bytea)");
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes += static_cast<char>(c);
  const Row values{Value::integer(-9223372036854775807LL),
                   Value::boolean(false),
                   Value::decimal("12345678901234567890.123456789012345678"),
                   Value::real(0.1),
                   Value::text("O'Brien \"the\" ; drop table odbc_params; -- 😀 漢字"),
                   Value::date({1970, 1, 1}),
                   Value::timestamp({{2038, 1, 19}, {3, 14, 7, 999999000}}),
                   Value::timestamp_tz({{2024, 5, 1}, {10, 0, 0, 0}}),
                   Value::time({23, 59, 59, 123456000}),
                   Value::binary(all_bytes)};
  CHECK(conn.execute("insert into odbc_params values (?,?,?,?,?,?,?,?,?,?)", values) == 1);
  CHECK(conn.execute("insert into odbc_params values (?,?,?,?,?,?,?,?,?,?)", Row(10, Value::null())) == 1);
  auto rows = read_all(conn, "select * from odbc_params order by id nulls last");
  REQUIRE(rows.size() == 2);
  for (std::size_t c = 0; c < values.size(); ++c) {
    INFO("column " << c << ": " << rows[0][c].to_display().substr(0, 80));
    CHECK(rows[0][c] == values[c]);
    CHECK(rows[1][c].is_null());
  }
  // A parameter is a value, never SQL: the table is still there and matches by value.
  CHECK(read_one(conn, "select count(*) from odbc_params where name = ?", {values[4]}) == Value::integer(1));
  CHECK(read_one(conn, "select count(*) from odbc_params where name is not distinct from ?", {Value::null()}) ==
        Value::integer(1));
}

TEST_CASE("PostgreSQL: a 10 MB text value round-trips exactly and empty results work", "[pg][odbc]") {
  auto conn = open_pg();
  conn.execute("drop table if exists odbc_docs");
  conn.execute("create table odbc_docs (id int, body text, blob bytea)");
  const std::string body = test::mixed_utf8_text(10 * 1024 * 1024);
  const std::string blob(3 * 1024 * 1024 + 7, '\x7f');
  conn.execute("insert into odbc_docs values (1, ?, ?), (2, 'short', '\\x01')", {Value::text(body), Value::binary(blob)});
  auto rows = read_all(conn, "select id, body, blob, length(body) from odbc_docs order by id");
  REQUIRE(rows.size() == 2);
  REQUIRE(rows[0][1].type() == ValueType::Text);
  CHECK(rows[0][1].as_text().size() == body.size());
  CHECK(rows[0][1].as_text() == body);
  CHECK(rows[0][2] == Value::binary(blob));
  CHECK(rows[1][1] == Value::text("short"));  // the row after the long one is intact
  CHECK(rows[1][2] == Value::binary("\x01"));

  auto empty = conn.query("select id, body from odbc_docs where id < 0");
  CHECK(empty.columns().size() == 2);
  Row row;
  CHECK_FALSE(empty.next(row));
}

TEST_CASE("PostgreSQL: long values in the middle of a block are re-read whole", "[pg][odbc]") {
  auto conn = open_pg();
  odbc::QueryOptions options;
  options.read.batch_rows = 50;
  options.read.max_bound_bytes = 64;
  auto reader = conn.query(
      "select g, repeat('é', g * 7) || '😀', case when g % 3 = 0 then null else repeat('x', g * 5) end "
      "from generate_series(1, 200) g order by g",
      {}, options);
  Row row;
  std::int64_t expected = 0;
  while (reader.next(row)) {
    ++expected;
    REQUIRE(row[0] == Value::integer(expected));
    std::string text;
    for (int i = 0; i < expected * 7; ++i) text += "é";
    CHECK(row[1] == Value::text(text + "😀"));
    if (expected % 3 == 0) {
      CHECK(row[2].is_null());
    } else {
      CHECK(row[2] == Value::text(std::string(static_cast<std::size_t>(expected * 5), 'x')));
    }
  }
  CHECK(expected == 200);
}

TEST_CASE("PostgreSQL: a 1M-row result streams with bounded memory", "[pg][odbc]") {
  auto conn = open_pg();
  // Measured before the query: a driver that buffers the result does it in SQLExecDirect.
  const auto rss_before = test::proc_status_kib("VmRSS");
  auto reader = conn.query(
      "select g, md5(g::text), g * 1.5::numeric(20,2), timestamp '2024-01-01' + g * interval '1 second', g % 2 = 0 "
      "from generate_series(1, 1000000) g");
  auto rss_max = test::proc_status_kib("VmRSS");
  Row row;
  std::int64_t count = 0, sum = 0;
  while (reader.next(row)) {
    ++count;
    sum += row[0].as_int();
    if (count % 100000 == 0) rss_max = std::max(rss_max, test::proc_status_kib("VmRSS"));
  }
  CHECK(count == 1000000);
  CHECK(sum == 500000500000LL);
  CHECK(row[1] == Value::text("8155bc545f84d9652f1012ef2bdfb6eb"));
  CHECK(row[2] == Value::decimal("1500000.00"));
  const double growth_mib = static_cast<double>(rss_max - rss_before) / 1024.0;
  INFO("RSS growth while streaming: " << growth_mib << " MiB");
  CHECK(growth_mib < 64.0);
}

TEST_CASE("PostgreSQL: quoted identifiers with spaces and quotes work for real", "[pg][odbc]") {
  auto conn = open_pg();
  const std::string table = quote_qualified(Dialect::postgres, "public." + quote_identifier(Dialect::postgres, "My \"odd\" Table"));
  const std::string column = quote_identifier(Dialect::postgres, "First Name");
  conn.execute("drop table if exists " + table);
  conn.execute("create table " + table + " (" + column + " text, \"MixedCase\" int)");
  conn.execute("insert into " + table + " values (?, ?)", {Value::text("Ada"), Value::integer(1)});
  auto reader = conn.query("select " + column + ", " + quote_identifier(Dialect::postgres, "MixedCase") + " from " + table);
  CHECK(reader.columns().at(0).name == "First Name");
  CHECK(reader.columns().at(1).name == "MixedCase");
  Row row;
  REQUIRE(reader.next(row));
  CHECK(row == Row{Value::text("Ada"), Value::integer(1)});
}

TEST_CASE("PostgreSQL: a bad query carries its SQLSTATE and is permanent", "[pg][odbc]") {
  auto conn = open_pg();
  try {
    conn.query("selec 1");
    FAIL("syntax error accepted");
  } catch (const odbc::Error& e) {
    CHECK(e.sqlstate() == "42601");
    CHECK(std::string(e.what()).find("SQLSTATE 42601") != std::string::npos);
    CHECK(std::string(e.what()).find("warehouse 'pg-test', query 'selec 1'") != std::string::npos);
    CHECK_FALSE(e.transient());
  }
  try {
    conn.execute("insert into no_such_table values (?)", {Value::integer(1)});
    FAIL("missing table accepted");
  } catch (const odbc::Error& e) {
    CHECK(e.sqlstate() == "42P01");
    CHECK(std::string(e.what()).find("no_such_table") != std::string::npos);
    CHECK_FALSE(e.transient());
  }
  // The connection is still usable after a failed statement.
  CHECK(read_one(conn, "select 1") == Value::integer(1));
}

TEST_CASE("PostgreSQL: a refused connection is transient and never shows the password", "[pg][odbc]") {
  // Port 1 (tcpmux) is privileged and unused: the connection is refused at once.
  const std::string conn_string =
      "Driver=" BACKFLOW_PSQLODBC ";Server=127.0.0.1;Port=1;Database=postgres;Uid=nobody;Pwd=Sup3r-S3cret;";
  try {
    odbc::ConnectionOptions options;
    options.login_timeout = std::chrono::seconds(5);
    odbc::Connection::open(conn_string, "unreachable", options);
    FAIL("connected to a closed port");
  } catch (const odbc::Error& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find("warehouse 'unreachable': connecting with") != std::string::npos);
    CHECK(what.find("Pwd=***") != std::string::npos);
    CHECK(what.find("Sup3r-S3cret") == std::string::npos);
    CHECK(e.sqlstate().substr(0, 2) == "08");
    CHECK(e.transient());
  }
}

TEST_CASE("PostgreSQL: autocommit off keeps changes until commit and streaming still works", "[pg][odbc]") {
  odbc::ConnectionOptions options;
  options.autocommit = false;
  auto conn = open_pg(options);
  auto other = open_pg();
  conn.execute("drop table if exists odbc_tx");
  conn.execute("create table odbc_tx (id int)");
  conn.commit();
  conn.execute("insert into odbc_tx values (?)", {Value::integer(1)});
  CHECK(read_one(other, "select count(*) from odbc_tx") == Value::integer(0));
  conn.commit();
  CHECK(read_one(other, "select count(*) from odbc_tx") == Value::integer(1));
  conn.execute("insert into odbc_tx values (2)");
  conn.rollback();
  CHECK(read_one(other, "select count(*) from odbc_tx") == Value::integer(1));
  // Time zone stays UTC after a rollback (it was set before the first transaction).
  CHECK(read_one(conn, "select current_setting('TimeZone')") == Value::text("UTC"));
  auto reader = conn.query("select g from generate_series(1, 25000) g");
  Row row;
  std::int64_t n = 0;
  while (reader.next(row)) ++n;
  CHECK(n == 25000);
}

TEST_CASE("PostgreSQL: a backend terminated mid-stream is a transient error", "[pg][odbc]") {
  auto conn = open_pg();
  auto admin = open_pg();
  const Value pid = read_one(conn, "select pg_backend_pid()");
  odbc::QueryOptions options;
  options.read.batch_rows = 100;
  auto reader = conn.query("select g, repeat('x', 100) from generate_series(1, 5000000) g", {}, options);
  Row row;
  for (int i = 0; i < 1000; ++i) REQUIRE(reader.next(row));
  CHECK(read_one(admin, "select pg_terminate_backend(?::int)", {pid}) == Value::boolean(true));
  try {
    while (reader.next(row)) {
    }
    FAIL("the result ended normally after the backend was terminated");
  } catch (const odbc::Error& e) {
    INFO(e.what());
    CHECK(e.transient());
    CHECK(std::string(e.what()).find("warehouse 'pg-test', query 'select g, repeat") != std::string::npos);
  }
}

TEST_CASE("PostgreSQL: the block API hands out whole blocks", "[pg][odbc]") {
  auto conn = open_pg();
  odbc::QueryOptions options;
  options.read.batch_rows = 300;
  auto reader = conn.query("select g, g::text from generate_series(1, 1000) g order by 1", {}, options);
  std::vector<std::size_t> blocks;
  std::int64_t expected = 0;
  Value id, text;
  while (const std::size_t n = reader.fetch_block()) {
    blocks.push_back(n);
    for (std::size_t r = 0; r < n; ++r) {
      ++expected;
      reader.value(r, 0, id);
      reader.value(r, 1, text);
      REQUIRE(id == Value::integer(expected));
      REQUIRE(text == Value::text(std::to_string(expected)));
    }
  }
  CHECK(blocks == std::vector<std::size_t>{300, 300, 300, 100});
  CHECK(reader.rows_read() == 1000);
  CHECK(reader.fetch_block() == 0);
}

TEST_CASE("PostgreSQL: a statement timeout is an error that may be retried", "[pg][odbc]") {
  auto conn = open_pg();
  odbc::QueryOptions options;
  options.timeout = std::chrono::seconds(1);
  const auto start = std::chrono::steady_clock::now();
  try {
    conn.query("select pg_sleep(30)", {}, options);
    FAIL("pg_sleep(30) finished within a 1 s timeout");
  } catch (const odbc::Error& e) {
    INFO(e.what());
    CHECK(e.transient());
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("PostgreSQL: text fetched as UTF-16 (SQL_C_WCHAR) comes back as the same UTF-8", "[pg][odbc]") {
  auto conn = open_pg();
  const std::string mixed = test::mixed_utf8_text(200000);
  odbc::QueryOptions options;
  options.read.text_fetch = odbc::TextFetch::wide;
  options.read.batch_rows = 10;
  options.read.max_bound_bytes = 64;  // most values take the long-value path
  auto reader = conn.query("select ?::text, g, repeat(?::text, g) from generate_series(1, 30) g order by g",
                           {Value::text(mixed), Value::text("😀漢")}, options);
  Row row;
  std::int64_t n = 0;
  while (reader.next(row)) {
    ++n;
    REQUIRE(row[0] == Value::text(mixed));
    std::string expected;
    for (std::int64_t i = 0; i < n; ++i) expected += "😀漢";
    REQUIRE(row[2] == Value::text(expected));
  }
  CHECK(n == 30);
}

TEST_CASE("PostgreSQL: a wrong role or database is a permanent connection error", "[pg][odbc]") {
  for (const std::string& bad : {std::string("Database=postgres;Uid=no_such_role;Pwd=Top-Secret-1"),
                                 std::string("Uid=") + test::pg_env("PGUSER") + ";Database=no_such_db;Pwd=Top-Secret-1"}) {
    const std::string conn_string = "Driver=" BACKFLOW_PSQLODBC ";Server=127.0.0.1;Port=" + test::pg_env("PGPORT") +
                                    ";" + bad + ";";
    try {
      odbc::Connection::open(conn_string, "misconfigured");
      FAIL("connected with " << bad);
    } catch (const odbc::Error& e) {
      const std::string what = e.what();
      INFO(what);
      CHECK(what.find("does not exist") != std::string::npos);
      CHECK(what.find("Top-Secret-1") == std::string::npos);
      CHECK_FALSE(e.transient());
    }
  }
}
