// The driver's ceiling: reads a query with nothing but block fetches into
// column-wise bound buffers (no conversion to Values, no per-row work), so
// that bench/odbc_read.cpp can be compared with what the driver allows.
//
//   bench_odbc_minimal_read CONNECTION_STRING QUERY [BATCH_ROWS]
//
// Binds integers as SQL_C_SBIGINT, floats as SQL_C_DOUBLE, booleans as
// SQL_C_BIT, dates and timestamps as their structs and everything else as
// SQL_C_CHAR (up to 4 KiB per value), the same C types the backflow reader
// asks for. Prints "rows=N seconds=S".
#include <sql.h>
#include <sqlext.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

[[noreturn]] void die(const char* what, SQLSMALLINT type, SQLHANDLE handle) {
  SQLCHAR state[6] = {}, message[1024] = {};
  SQLINTEGER native = 0;
  SQLSMALLINT length = 0;
  SQLGetDiagRec(type, handle, 1, state, &native, message, sizeof message, &length);
  std::fprintf(stderr, "%s failed: [%s] %s\n", what, state, message);
  std::exit(1);
}

struct Column {
  SQLSMALLINT c_type;
  std::size_t width;
  std::vector<char> data;
  std::vector<SQLLEN> indicators;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s CONNECTION_STRING QUERY [BATCH_ROWS]\n", argv[0]);
    return 2;
  }
  const std::size_t batch = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 1000;
  const auto start = std::chrono::steady_clock::now();

  SQLHANDLE env = nullptr, dbc = nullptr, stmt = nullptr;
  SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
  SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
  SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
  std::string conn = argv[1];
  if (!SQL_SUCCEEDED(SQLDriverConnect(dbc, nullptr, reinterpret_cast<SQLCHAR*>(conn.data()), SQL_NTS, nullptr, 0,
                                      nullptr, SQL_DRIVER_NOPROMPT))) {
    die("connect", SQL_HANDLE_DBC, dbc);
  }
  SQLAllocHandle(SQL_HANDLE_STMT, dbc, &stmt);
  if (!SQL_SUCCEEDED(SQLExecDirect(stmt, reinterpret_cast<SQLCHAR*>(argv[2]), SQL_NTS))) {
    die("query", SQL_HANDLE_STMT, stmt);
  }
  SQLSMALLINT count = 0;
  SQLNumResultCols(stmt, &count);
  std::vector<Column> columns(static_cast<std::size_t>(count));
  SQLULEN fetched = 0;
  SQLSetStmtAttr(stmt, SQL_ATTR_ROW_BIND_TYPE, reinterpret_cast<SQLPOINTER>(SQL_BIND_BY_COLUMN), 0);
  SQLSetStmtAttr(stmt, SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(batch), 0);
  SQLSetStmtAttr(stmt, SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0);
  for (SQLSMALLINT c = 1; c <= count; ++c) {
    SQLCHAR name[256];
    SQLSMALLINT name_length = 0, sql_type = 0, scale = 0, nullable = 0;
    SQLULEN size = 0;
    SQLDescribeCol(stmt, static_cast<SQLUSMALLINT>(c), name, sizeof name, &name_length, &sql_type, &size, &scale,
                   &nullable);
    Column& col = columns[static_cast<std::size_t>(c - 1)];
    switch (sql_type) {
      case SQL_TINYINT: case SQL_SMALLINT: case SQL_INTEGER: case SQL_BIGINT:
        col.c_type = SQL_C_SBIGINT, col.width = 8; break;
      case SQL_REAL: case SQL_FLOAT: case SQL_DOUBLE:
        col.c_type = SQL_C_DOUBLE, col.width = 8; break;
      case SQL_BIT:
        col.c_type = SQL_C_BIT, col.width = 1; break;
      case SQL_TYPE_DATE:
        col.c_type = SQL_C_TYPE_DATE, col.width = sizeof(SQL_DATE_STRUCT); break;
      case SQL_TYPE_TIMESTAMP:
        col.c_type = SQL_C_TYPE_TIMESTAMP, col.width = sizeof(SQL_TIMESTAMP_STRUCT); break;
      case SQL_NUMERIC: case SQL_DECIMAL:
        col.c_type = SQL_C_CHAR, col.width = std::min<std::size_t>(std::max<std::size_t>(size + 3, 64), 4096); break;
      default:
        col.c_type = SQL_C_CHAR, col.width = size == 0 || size > 1024 ? 4096 : size * 4 + 1; break;
    }
    col.data.resize(col.width * batch);
    col.indicators.resize(batch);
    SQLBindCol(stmt, static_cast<SQLUSMALLINT>(c), col.c_type, col.data.data(), static_cast<SQLLEN>(col.width),
               col.indicators.data());
  }
  unsigned long long rows = 0;
  while (true) {
    const SQLRETURN rc = SQLFetchScroll(stmt, SQL_FETCH_NEXT, 0);
    if (rc == SQL_NO_DATA) break;
    if (!SQL_SUCCEEDED(rc)) die("fetch", SQL_HANDLE_STMT, stmt);
    rows += fetched;
  }
  SQLFreeHandle(SQL_HANDLE_STMT, stmt);
  SQLDisconnect(dbc);
  SQLFreeHandle(SQL_HANDLE_DBC, dbc);
  SQLFreeHandle(SQL_HANDLE_ENV, env);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("rows=%llu seconds=%.3f\n", rows, seconds);
  return 0;
}
