#include "odbc/parameters.h"

#include <algorithm>
#include <memory>

#include "odbc/error.h"
#include "odbc/text_values.h"

namespace backflow::odbc {

namespace {

SQL_TIMESTAMP_STRUCT to_odbc(const Timestamp& ts) {
  SQL_TIMESTAMP_STRUCT out{};
  out.year = static_cast<SQLSMALLINT>(ts.date.year);
  out.month = ts.date.month;
  out.day = ts.date.day;
  out.hour = ts.time.hour;
  out.minute = ts.time.minute;
  out.second = ts.time.second;
  out.fraction = ts.time.nanos;
  return out;
}

}  // namespace

void BoundParameters::bind(SQLHSTMT stmt, const std::vector<Value>& params, const std::string& context) {
  slots_.clear();
  slots_.reserve(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    slots_.push_back(std::make_unique<Slot>());
    Slot& slot = *slots_.back();
    const Value& value = params[i];
    SQLSMALLINT c_type = SQL_C_CHAR, sql_type = SQL_VARCHAR, digits = 0;
    SQLULEN column_size = 0;
    SQLPOINTER data = nullptr;
    SQLLEN buffer_length = 0;
    switch (value.type()) {
      case ValueType::Null:
        slot.indicator = SQL_NULL_DATA;
        column_size = 1;
        data = slot.bytes.data();
        break;
      case ValueType::Bool:
        slot.bit = value.as_bool() ? 1 : 0;
        c_type = SQL_C_BIT, sql_type = SQL_BIT, column_size = 1, data = &slot.bit;
        break;
      case ValueType::Int:
        slot.integer = value.as_int();
        c_type = SQL_C_SBIGINT, sql_type = SQL_BIGINT, column_size = 19, data = &slot.integer;
        break;
      case ValueType::Double:
        slot.real = value.as_double();
        c_type = SQL_C_DOUBLE, sql_type = SQL_DOUBLE, column_size = 15, data = &slot.real;
        break;
      case ValueType::Decimal: {
        slot.bytes = value.as_decimal();
        const std::size_t point = slot.bytes.find('.');
        const std::size_t all_digits = static_cast<std::size_t>(
            std::count_if(slot.bytes.begin(), slot.bytes.end(), [](char c) { return c >= '0' && c <= '9'; }));
        digits = static_cast<SQLSMALLINT>(point == std::string::npos ? 0 : slot.bytes.size() - point - 1);
        sql_type = SQL_NUMERIC, column_size = std::max<std::size_t>(all_digits, 1);
        break;
      }
      case ValueType::Text:
        slot.bytes = value.as_text();
        sql_type = slot.bytes.size() > 4000 ? SQL_LONGVARCHAR : SQL_VARCHAR;
        column_size = std::max<std::size_t>(slot.bytes.size(), 1);
        break;
      case ValueType::Time:
        slot.bytes = format_time_of_day(value.as_time());
        sql_type = SQL_TYPE_TIME, column_size = slot.bytes.size(), digits = 9;
        break;
      case ValueType::Date: {
        const Date& d = value.as_date();
        slot.date = SQL_DATE_STRUCT{static_cast<SQLSMALLINT>(d.year), d.month, d.day};
        c_type = SQL_C_TYPE_DATE, sql_type = SQL_TYPE_DATE, column_size = 10, data = &slot.date;
        break;
      }
      case ValueType::Timestamp:
      case ValueType::TimestampTz:
        slot.timestamp = to_odbc(value.type() == ValueType::Timestamp ? value.as_timestamp()
                                                                       : value.as_timestamp_tz());
        c_type = SQL_C_TYPE_TIMESTAMP, sql_type = SQL_TYPE_TIMESTAMP, column_size = 29, digits = 9;
        data = &slot.timestamp;
        break;
      case ValueType::Binary:
        slot.bytes = value.as_binary();
        c_type = SQL_C_BINARY;
        sql_type = slot.bytes.size() > 8000 ? SQL_LONGVARBINARY : SQL_VARBINARY;
        column_size = std::max<std::size_t>(slot.bytes.size(), 1);
        break;
    }
    if (data == nullptr) {  // payload in slot.bytes
      data = slot.bytes.data();
      buffer_length = static_cast<SQLLEN>(slot.bytes.size());
      slot.indicator = static_cast<SQLLEN>(slot.bytes.size());
    }
    const SQLRETURN rc = SQLBindParameter(stmt, static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, c_type, sql_type,
                                          column_size, digits, data, buffer_length, &slot.indicator);
    if (!SQL_SUCCEEDED(rc)) {
      throw error_from_handle(SQL_HANDLE_STMT, stmt,
                              context + ": binding parameter " + std::to_string(i + 1) + " (" +
                                  std::string(to_string(value.type())) + ")");
    }
  }
}

}  // namespace backflow::odbc
