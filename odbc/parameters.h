// Binds typed Values as statement parameters ('?' markers), so user values
// never become part of the SQL text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sql.h>
#include <sqlext.h>

#include "model/value.h"

namespace backflow::odbc {

// Owns the buffers the driver reads bound parameters from. It must outlive
// the execution of the statement it was bound to (keep it next to the
// statement handle). Move-only because the driver holds pointers into it.
class BoundParameters {
 public:
  BoundParameters() = default;
  BoundParameters(const BoundParameters&) = delete;
  BoundParameters& operator=(const BoundParameters&) = delete;
  BoundParameters(BoundParameters&&) noexcept = default;
  BoundParameters& operator=(BoundParameters&&) noexcept = default;

  // Binds params[i] to marker i+1 of `stmt`: NULL, bool (SQL_BIT), int
  // (SQL_BIGINT), double, text (UTF-8, SQL_C_CHAR), decimal (as text, typed
  // SQL_NUMERIC with its precision and scale), date, time, timestamp,
  // timestamptz (as a UTC timestamp) and binary. Throws odbc::Error with
  // `context` naming the parameter on failure.
  void bind(SQLHSTMT stmt, const std::vector<Value>& params, const std::string& context);

 private:
  struct Slot {
    std::string bytes;  // text, decimal, time and binary payloads
    std::int64_t integer = 0;
    double real = 0;
    unsigned char bit = 0;
    SQL_DATE_STRUCT date{};
    SQL_TIMESTAMP_STRUCT timestamp{};
    SQLLEN indicator = 0;
  };
  // Heap-allocated slots keep their addresses when this object moves.
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace backflow::odbc
