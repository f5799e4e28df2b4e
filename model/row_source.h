// A stream of typed rows with their column metadata: what a model reads from
// the warehouse. The ODBC result reader implements it; tests implement it over
// vectors. Consumers (diff engines, preview, benchmarks) depend only on this.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/value.h"

namespace backflow {

// Metadata of one result column, from SQLDescribeCol / SQLColAttribute.
struct ColumnInfo {
  std::string name;
  ValueType type = ValueType::Text;  // the logical type values of this column have
  std::int16_t sql_type = 0;         // the ODBC SQL type (SQL_INTEGER, SQL_WVARCHAR, ...)
  std::string type_name;             // the driver's name for it ("int4", "numeric", ...)
  bool nullable = true;
  std::uint64_t size = 0;            // column size / precision
  std::int16_t scale = 0;            // decimal digits
};

class RowSource {
 public:
  virtual ~RowSource() = default;

  // The columns, in result order. Valid for the lifetime of the source.
  virtual const std::vector<ColumnInfo>& columns() const = 0;

  // Replaces `row` with the next row (row.size() == columns().size()) and
  // returns true, or returns false at the end of the result. Reusing the same
  // `row` across calls lets implementations reuse string capacity.
  // Throws on a read or conversion error (the ODBC layer's error type, which
  // names the column and says whether the error is transient).
  virtual bool next(Row& row) = 0;
};

}  // namespace backflow
