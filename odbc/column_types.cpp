#include "odbc/column_types.h"

#include <algorithm>
#include <cctype>

#include "odbc/error.h"
#include "common/text.h"

namespace backflow::odbc {

namespace {


bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

ValueType logical_type(SQLSMALLINT sql_type, const std::string& type_name, bool is_unsigned) {
  const std::string name = text::lower(type_name);
  if (name == "bool" || name == "boolean") return ValueType::Bool;  // psqlODBC BoolsAsChar=1 says VARCHAR
  if (contains(name, "numeric") || contains(name, "decimal")) return ValueType::Decimal;
  switch (sql_type) {
    case SQL_BIT:
      return ValueType::Bool;
    case SQL_TINYINT:
    case SQL_SMALLINT:
    case SQL_INTEGER:
      return ValueType::Int;
    case SQL_BIGINT:
      return is_unsigned ? ValueType::Decimal : ValueType::Int;
    case SQL_NUMERIC:
    case SQL_DECIMAL:
      return ValueType::Decimal;
    case SQL_REAL:
    case SQL_FLOAT:
    case SQL_DOUBLE:
      return ValueType::Double;
    case SQL_TYPE_DATE:
    case SQL_DATE:
      return ValueType::Date;
    case SQL_TYPE_TIME:
    case SQL_TIME:
      return contains(name, "tz") || contains(name, "with time zone") ? ValueType::Text : ValueType::Time;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
      return contains(name, "timestamptz") || contains(name, "with time zone") ? ValueType::TimestampTz
                                                                               : ValueType::Timestamp;
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY:
      return ValueType::Binary;
    default:
      return ValueType::Text;  // CHAR, VARCHAR, W*, GUID, intervals, driver-specific types
  }
}

ColumnInfo describe_column(SQLHSTMT stmt, SQLUSMALLINT index, const std::string& context) {
  SQLCHAR name[512] = {};
  SQLSMALLINT name_length = 0, sql_type = 0, scale = 0, nullable = SQL_NULLABLE_UNKNOWN;
  SQLULEN size = 0;
  if (!SQL_SUCCEEDED(SQLDescribeCol(stmt, index, name, sizeof name, &name_length, &sql_type, &size, &scale,
                                    &nullable))) {
    throw error_from_handle(SQL_HANDLE_STMT, stmt, context + ": describing column " + std::to_string(index));
  }
  SQLCHAR type_name[256] = {};
  SQLSMALLINT type_name_length = 0;
  if (!SQL_SUCCEEDED(SQLColAttribute(stmt, index, SQL_DESC_TYPE_NAME, type_name, sizeof type_name,
                                     &type_name_length, nullptr))) {
    type_name[0] = '\0';
  }
  SQLLEN is_unsigned = SQL_FALSE;
  if (sql_type == SQL_BIGINT &&
      !SQL_SUCCEEDED(SQLColAttribute(stmt, index, SQL_DESC_UNSIGNED, nullptr, 0, nullptr, &is_unsigned))) {
    is_unsigned = SQL_FALSE;
  }
  ColumnInfo info;
  info.name.assign(reinterpret_cast<const char*>(name),
                   std::min<std::size_t>(static_cast<std::size_t>(std::max<SQLSMALLINT>(name_length, 0)),
                                         sizeof name - 1));
  info.sql_type = sql_type;
  info.type_name = reinterpret_cast<const char*>(type_name);
  info.type = logical_type(sql_type, info.type_name, is_unsigned == SQL_TRUE);
  info.nullable = nullable != SQL_NO_NULLS;
  info.size = size;
  info.scale = scale;
  return info;
}

ColumnFetchPlan plan_fetch(const ColumnInfo& column, std::size_t max_bound_bytes, TextFetch text_fetch) {
  const std::size_t cap = std::max<std::size_t>(max_bound_bytes, 64);
  const bool size_known = column.size > 0 && column.size <= cap;
  switch (column.type) {
    case ValueType::Bool: return {SQL_C_BIT, sizeof(unsigned char)};
    case ValueType::Int: return {SQL_C_SBIGINT, sizeof(std::int64_t)};
    case ValueType::Double: return {SQL_C_DOUBLE, sizeof(double)};
    case ValueType::Date: return {SQL_C_TYPE_DATE, sizeof(SQL_DATE_STRUCT)};
    case ValueType::Timestamp:
    case ValueType::TimestampTz: return {SQL_C_TYPE_TIMESTAMP, sizeof(SQL_TIMESTAMP_STRUCT)};
    case ValueType::Time: return {SQL_C_CHAR, 40};  // text keeps the fraction SQL_TIME_STRUCT drops
    case ValueType::Decimal: {
      // Sign, point and NUL beyond the precision; unconstrained numerics
      // (size 0 or a nominal 28) may be longer and are then re-read.
      const std::size_t bytes = std::min(cap, std::max<std::size_t>(static_cast<std::size_t>(column.size) + 3, 64));
      return {SQL_C_CHAR, bytes, !size_known || static_cast<std::size_t>(column.size) + 3 > bytes};
    }
    case ValueType::Binary:
      return {SQL_C_BINARY, size_known ? static_cast<std::size_t>(column.size) : cap, !size_known};
    case ValueType::Null:
    case ValueType::Text:
      break;
  }
  const bool driver_says_wide =
      column.sql_type == SQL_WCHAR || column.sql_type == SQL_WVARCHAR || column.sql_type == SQL_WLONGVARCHAR;
  const bool wide = text_fetch == TextFetch::wide || (text_fetch == TextFetch::automatic && driver_says_wide);
  // Declared sizes are characters: UTF-8 may need four bytes each, plus NUL;
  // UTF-16 up to two units (four bytes) each, plus a NUL unit.
  const std::size_t needed = static_cast<std::size_t>(column.size) * 4 + (wide ? 2 : 1);
  const std::size_t limit = wide ? cap & ~std::size_t{1} : cap;
  const bool fits = column.size > 0 && needed <= limit;
  return {wide ? SQLSMALLINT{SQL_C_WCHAR} : SQLSMALLINT{SQL_C_CHAR}, fits ? needed : limit, !fits};
}

}  // namespace backflow::odbc
