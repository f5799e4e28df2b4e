// Streams the rows of an executed query as typed Values with bounded memory.
//
// Rows are fetched in blocks (SQL_ATTR_ROW_ARRAY_SIZE rows at a time, one
// bound buffer per column) so the per-row cost of the ODBC round trip is paid
// once per block. Buffers have a fixed size per column (text and binary are
// capped); a value longer than its buffer is re-read whole with SQLGetData,
// after SQLSetPos to its row when the block holds several rows. Drivers that
// cannot do SQLGetData inside a block (SQLite's) are read one row at a time.
// docs/warehouse-access.md explains the choice.
//
// A ResultReader owns its statement handle but not the connection: it must be
// destroyed before the Connection that made it. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "diff/odbc/column_types.h"
#include "diff/odbc/handles.h"
#include "diff/odbc/parameters.h"
#include "diff/row_source.h"

namespace backflow::odbc {

// How a result is read; the defaults suit any result size.
struct ReadOptions {
  std::size_t batch_rows = 1000;       // rows per block fetch
  std::size_t max_bound_bytes = 4096;  // cap on a text/binary buffer per value
  TextFetch text_fetch = TextFetch::automatic;
};

class ResultReader final : public RowSource {
 public:
  // Takes over an executed statement (and the parameters it was bound
  // with). `block_fetch` says the driver supports SQLGetData on a positioned
  // row of a block (SQL_GD_BLOCK, SQL_GD_BOUND, SQL_POS_POSITION); without it
  // rows are fetched one at a time. `context` names the warehouse and query
  // in errors. Throws odbc::Error if the result cannot be described or bound.
  ResultReader(StatementHandle stmt, BoundParameters params, std::string context, bool block_fetch,
               const ReadOptions& options);
  ~ResultReader() override;
  ResultReader(ResultReader&&) noexcept;
  ResultReader& operator=(ResultReader&&) noexcept;

  // Empty for statements that return no result set.
  const std::vector<ColumnInfo>& columns() const override { return columns_; }

  // See RowSource. Throws odbc::Error naming the column and row number when a
  // value cannot be converted, and the driver's error (transient() true for a
  // lost connection) when a fetch fails.
  bool next(Row& row) override;

  // Lower-level block API: fetches the next block into the bound buffers and
  // returns how many rows it holds (0 at the end). Then value(r, c, out)
  // converts row r (< that count) of column c. Do not mix with next() within
  // one block.
  std::size_t fetch_block();
  void value(std::size_t row_in_block, std::size_t column, Value& out);

  // Rows fetched from the driver so far (whole blocks, also via next()).
  std::uint64_t rows_read() const { return rows_read_; }
  // Rows per block actually used (1 when the driver forced row-at-a-time).
  std::size_t block_rows() const { return block_rows_; }

 private:
  struct ColumnBuffer;

  std::string_view long_value(std::size_t row_in_block, std::size_t column);
  [[noreturn]] void conversion_error(std::size_t row_in_block, std::size_t column, const std::string& what) const;

  StatementHandle stmt_;
  BoundParameters params_;
  std::string context_;
  std::vector<ColumnInfo> columns_;
  std::vector<ColumnBuffer> buffers_;
  std::size_t block_rows_ = 1;
  std::unique_ptr<SQLULEN> rows_fetched_;  // heap: the driver keeps its address
  std::vector<SQLUSMALLINT> row_status_;
  std::size_t block_size_ = 0;  // rows in the current block
  std::size_t position_ = 0;    // next row of the block for next()
  std::uint64_t rows_read_ = 0;
  std::uint64_t block_first_row_ = 0;  // 1-based number of the block's first row
  bool finished_ = false;
  std::string long_scratch_;
  std::u16string wide_units_;  // a SQL_C_WCHAR value, aligned for conversion
  std::string wide_scratch_;   // ... and its UTF-8 form
};

}  // namespace backflow::odbc
