// Streams the rows of an executed query as typed Values with bounded memory.
//
// Rows are fetched in blocks (SQL_ATTR_ROW_ARRAY_SIZE rows at a time, one
// bound buffer per column) so the per-row cost of the ODBC round trip is paid
// once per block. Buffers have a fixed size per column (text and binary are
// capped); a value longer than its buffer is re-read whole with SQLGetData.
// Whether that re-read may happen inside a block (SQLSetPos to the row first)
// is the driver's BlockFetch: only drivers the suite proves right do it;
// others read results that may hold such values one row at a time.
// docs/warehouse-access.md lists the mode of each driver and why.
//
// A ResultReader owns its statement handle but not the connection: it must be
// destroyed before the Connection that made it. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "odbc/column_types.h"
#include "odbc/handles.h"
#include "odbc/parameters.h"
#include "model/row_source.h"

namespace backflow::odbc {

// How a driver's results may be fetched in blocks.
enum class BlockFetch {
  // One row per fetch: the driver cannot SQLGetData inside a block (SQLite's).
  none,
  // Blocks; a value longer than its buffer is re-read after SQLSetPos to its
  // row. Only for drivers whose positioned SQLGetData the suite tests with
  // long values in several rows of one block (psqlODBC).
  positioned,
  // Blocks only for results in which no value can outgrow its buffer (every
  // column's declared size fits); other results one row per fetch. For
  // drivers that advertise SQL_GD_BLOCK but are not proven (MariaDB's
  // Connector/ODBC 3.1 returns another row's value after SQLSetPos).
  whole_values,
};

// "none", "positioned", "whole_values".
const char* to_string(BlockFetch mode);

// How a result is read; the defaults suit any result size.
struct ReadOptions {
  std::size_t batch_rows = 1000;       // rows per block fetch
  std::size_t max_bound_bytes = 4096;  // cap on a text/binary buffer per value
  TextFetch text_fetch = TextFetch::automatic;
};

class ResultReader final : public RowSource {
 public:
  // Takes over an executed statement (and the parameters it was bound
  // with). `block_fetch` is what the driver can be trusted with (see
  // BlockFetch). `context` names the warehouse and query in errors. Throws
  // odbc::Error if the result cannot be described or bound.
  ResultReader(StatementHandle stmt, BoundParameters params, std::string context, BlockFetch block_fetch,
               const ReadOptions& options);
  ~ResultReader() override;
  ResultReader(ResultReader&&) noexcept;
  ResultReader& operator=(ResultReader&&) noexcept;

  // Empty for statements that return no result set.
  const std::vector<ColumnInfo>& columns() const override { return columns_; }

  // See RowSource. Cells of `row` are overwritten in place, so text cells keep
  // their capacity across rows (reuse one Row; a huge value's capacity stays
  // until the Row goes). Throws odbc::Error naming the column and row number
  // when a value cannot be converted or the driver has no data for a value
  // it announced (never an empty value in its place), and the driver's error
  // (transient() true for a lost connection) when a fetch fails.
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
  // The mode the driver was given (the reader may still read row at a time).
  BlockFetch block_fetch() const { return block_fetch_; }

 private:
  struct ColumnBuffer;

  std::string_view long_value(std::size_t row_in_block, std::size_t column);
  [[noreturn]] void conversion_error(std::size_t row_in_block, std::size_t column, const std::string& what) const;

  StatementHandle stmt_;
  BoundParameters params_;
  std::string context_;
  std::vector<ColumnInfo> columns_;
  std::vector<ColumnBuffer> buffers_;
  BlockFetch block_fetch_ = BlockFetch::none;
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
