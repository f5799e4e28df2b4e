// How result columns map to backflow's typed values: the logical ValueType of
// an ODBC column and the C type and buffer size it is fetched with.
// The mapping table is in docs/warehouse-access.md.
#pragma once

#include <cstddef>
#include <string>

#include <sql.h>
#include <sqlext.h>

#include "model/row_source.h"

namespace backflow::odbc {

// The logical type of a column from its ODBC SQL type and the driver's type
// name (which disambiguates timestamptz, and SQLite's NUMERIC/DECIMAL that
// sqliteodbc reports as SQL_DOUBLE). `is_unsigned` turns BIGINT into Decimal.
ValueType logical_type(SQLSMALLINT sql_type, const std::string& type_name, bool is_unsigned);

// Metadata of result column `index` (1-based) of an executed statement.
// Throws odbc::Error with `context`.
ColumnInfo describe_column(SQLHSTMT stmt, SQLUSMALLINT index, const std::string& context);

// How text columns are handed over by the driver.
enum class TextFetch {
  automatic,  // UTF-16 (SQL_C_WCHAR) for columns typed SQL_W*CHAR, UTF-8 (SQL_C_CHAR) otherwise
  narrow,     // always SQL_C_CHAR: the driver must deliver UTF-8 (psqlODBC and sqliteodbc do)
  wide,       // always SQL_C_WCHAR, converted from UTF-16 to UTF-8
};

// How values of one column are fetched into a bound buffer.
struct ColumnFetchPlan {
  SQLSMALLINT c_type = SQL_C_CHAR;
  std::size_t bound_bytes = 0;  // per row; longer values are re-read in pieces
  // A value may be longer than bound_bytes: the declared size is unknown or
  // above the cap. False means the driver cannot truncate it.
  bool may_overflow = false;
};

// The fetch plan of a column; text and binary buffers are capped at
// `max_bound_bytes` (at least 64).
ColumnFetchPlan plan_fetch(const ColumnInfo& column, std::size_t max_bound_bytes,
                           TextFetch text_fetch = TextFetch::automatic);

}  // namespace backflow::odbc
