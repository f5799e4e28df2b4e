#include "odbc/result_reader.h"

#include <cstring>
#include <type_traits>
#include <variant>

#include "odbc/column_types.h"
#include "odbc/error.h"
#include "odbc/text_values.h"
#include "odbc/utf16.h"

static_assert(sizeof(SQLWCHAR) == sizeof(char16_t), "unixODBC's SQLWCHAR is UTF-16");

namespace backflow::odbc {

struct ResultReader::ColumnBuffer {
  ColumnFetchPlan plan;
  std::vector<char> data;         // block_rows_ * plan.bound_bytes
  std::vector<SQLLEN> indicators;  // block_rows_

  const char* at(std::size_t row) const { return data.data() + row * plan.bound_bytes; }
};

namespace {

template <typename T>
T load(const char* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

void set_statement_attribute(SQLHSTMT stmt, SQLINTEGER attribute, SQLPOINTER value, const std::string& context,
                             const char* what) {
  if (!SQL_SUCCEEDED(SQLSetStmtAttr(stmt, attribute, value, 0))) {
    throw error_from_handle(SQL_HANDLE_STMT, stmt, context + ": setting " + what);
  }
}

// Callers reuse one Row across next() calls (see RowSource), so a cell that
// already holds a string of the right kind is overwritten in place: that keeps
// its capacity and saves an allocation per text cell, which is a measurable
// share of the read cost (bench/README.md). Value exposes its storage only as
// const; the cells of a caller's Row are not const objects, so writing
// through the cast is well-defined.
template <typename Payload, typename Make>
void assign_bytes(Value& cell, std::string_view bytes, Make make) {
  auto& storage = const_cast<Value::Storage&>(cell.storage());
  if (auto* existing = std::get_if<Payload>(&storage)) {
    if constexpr (std::is_same_v<Payload, std::string>) {
      existing->assign(bytes);
    } else if constexpr (std::is_same_v<Payload, Decimal>) {
      existing->text.assign(bytes);
    } else {
      existing->bytes.assign(bytes);
    }
    return;
  }
  cell = make(std::string(bytes));
}

// The same for fixed-size payloads: skips building and move-assigning a
// temporary variant when the cell already holds this type.
template <typename Payload, typename Make>
void assign_scalar(Value& cell, const Payload& payload, Make make) {
  auto& storage = const_cast<Value::Storage&>(cell.storage());
  if (auto* existing = std::get_if<Payload>(&storage)) {
    *existing = payload;
    return;
  }
  cell = make(payload);
}

}  // namespace

const char* to_string(BlockFetch mode) {
  switch (mode) {
    case BlockFetch::none: return "none";
    case BlockFetch::positioned: return "positioned";
    case BlockFetch::whole_values: return "whole_values";
  }
  return "?";
}

ResultReader::ResultReader(StatementHandle stmt, BoundParameters params, std::string context, BlockFetch block_fetch,
                           const ReadOptions& options)
    : stmt_(std::move(stmt)),
      params_(std::move(params)),
      context_(std::move(context)),
      block_fetch_(block_fetch),
      rows_fetched_(std::make_unique<SQLULEN>(0)) {
  SQLSMALLINT column_count = 0;
  if (!SQL_SUCCEEDED(SQLNumResultCols(stmt_.get(), &column_count))) {
    throw error_from_handle(SQL_HANDLE_STMT, stmt_.get(), context_ + ": counting result columns");
  }
  if (column_count <= 0) {
    finished_ = true;
    return;
  }
  columns_.reserve(static_cast<std::size_t>(column_count));
  buffers_.resize(static_cast<std::size_t>(column_count));
  bool may_overflow = false;
  for (SQLSMALLINT c = 1; c <= column_count; ++c) {
    columns_.push_back(describe_column(stmt_.get(), static_cast<SQLUSMALLINT>(c), context_));
    ColumnBuffer& buffer = buffers_[static_cast<std::size_t>(c - 1)];
    buffer.plan = plan_fetch(columns_.back(), options.max_bound_bytes, options.text_fetch);
    may_overflow = may_overflow || buffer.plan.may_overflow;
  }
  // An unproven driver reads in blocks only what it can never truncate: its
  // re-read of a long value inside a block is what loses data.
  const bool blocks = block_fetch == BlockFetch::positioned || (block_fetch == BlockFetch::whole_values && !may_overflow);
  block_rows_ = blocks ? std::max<std::size_t>(options.batch_rows, 1) : 1;
  SQLHSTMT h = stmt_.get();
  set_statement_attribute(h, SQL_ATTR_ROW_BIND_TYPE, reinterpret_cast<SQLPOINTER>(SQL_BIND_BY_COLUMN), context_,
                          "column-wise binding");
  set_statement_attribute(h, SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(block_rows_), context_,
                          "the row array size");
  set_statement_attribute(h, SQL_ATTR_ROWS_FETCHED_PTR, rows_fetched_.get(), context_, "the rows-fetched pointer");
  row_status_.resize(block_rows_);
  set_statement_attribute(h, SQL_ATTR_ROW_STATUS_PTR, row_status_.data(), context_, "the row status array");
  for (std::size_t c = 0; c < buffers_.size(); ++c) {
    ColumnBuffer& buffer = buffers_[c];
    buffer.data.resize(block_rows_ * buffer.plan.bound_bytes);
    buffer.indicators.resize(block_rows_);
    if (!SQL_SUCCEEDED(SQLBindCol(h, static_cast<SQLUSMALLINT>(c + 1), buffer.plan.c_type, buffer.data.data(),
                                  static_cast<SQLLEN>(buffer.plan.bound_bytes), buffer.indicators.data()))) {
      throw error_from_handle(SQL_HANDLE_STMT, h, context_ + ": binding column '" + columns_[c].name + "'");
    }
  }
}

ResultReader::~ResultReader() = default;
ResultReader::ResultReader(ResultReader&&) noexcept = default;
ResultReader& ResultReader::operator=(ResultReader&&) noexcept = default;

std::size_t ResultReader::fetch_block() {
  block_size_ = 0;
  position_ = 0;
  if (finished_) return 0;
  const SQLRETURN rc = SQLFetchScroll(stmt_.get(), SQL_FETCH_NEXT, 0);
  if (rc == SQL_NO_DATA) {
    finished_ = true;
    return 0;
  }
  if (!SQL_SUCCEEDED(rc)) {
    finished_ = true;
    throw error_from_handle(SQL_HANDLE_STMT, stmt_.get(),
                            context_ + ": fetching rows after row " + std::to_string(rows_read_));
  }
  block_size_ = static_cast<std::size_t>(*rows_fetched_);
  for (std::size_t r = 0; r < block_size_; ++r) {
    if (row_status_[r] == SQL_ROW_ERROR) {
      finished_ = true;
      throw error_from_handle(SQL_HANDLE_STMT, stmt_.get(),
                              context_ + ": fetching row " + std::to_string(rows_read_ + r + 1));
    }
  }
  block_first_row_ = rows_read_ + 1;
  rows_read_ += block_size_;
  return block_size_;
}

bool ResultReader::next(Row& row) {
  if (position_ >= block_size_) {
    // fetch_block counts the whole block as read; next() hands it out row by row.
    if (fetch_block() == 0) return false;
  }
  row.resize(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) value(position_, c, row[c]);
  ++position_;
  return true;
}

void ResultReader::value(std::size_t row_in_block, std::size_t column, Value& out) {
  const ColumnBuffer& buffer = buffers_[column];
  const SQLLEN indicator = buffer.indicators[row_in_block];
  if (indicator == SQL_NULL_DATA) {
    out = Value::null();
    return;
  }
  const char* p = buffer.at(row_in_block);
  switch (columns_[column].type) {
    case ValueType::Bool:
      assign_scalar<bool>(out, load<unsigned char>(p) != 0, Value::boolean);
      return;
    case ValueType::Int:
      assign_scalar<std::int64_t>(out, load<std::int64_t>(p), Value::integer);
      return;
    case ValueType::Double:
      assign_scalar<double>(out, load<double>(p), Value::real);
      return;
    case ValueType::Date: {
      const auto d = load<SQL_DATE_STRUCT>(p);
      assign_scalar<Date>(out, Date{d.year, static_cast<std::uint8_t>(d.month), static_cast<std::uint8_t>(d.day)},
                          Value::date);
      return;
    }
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
      const auto t = load<SQL_TIMESTAMP_STRUCT>(p);
      const Timestamp ts{Date{t.year, static_cast<std::uint8_t>(t.month), static_cast<std::uint8_t>(t.day)},
                         TimeOfDay{static_cast<std::uint8_t>(t.hour), static_cast<std::uint8_t>(t.minute),
                                   static_cast<std::uint8_t>(t.second), static_cast<std::uint32_t>(t.fraction)}};
      if (columns_[column].type == ValueType::Timestamp) {
        assign_scalar<Timestamp>(out, ts, Value::timestamp);
      } else {
        assign_scalar<TimestampTz>(out, TimestampTz{ts}, [](const TimestampTz& v) { return Value::timestamp_tz(v.utc); });
      }
      return;
    }
    case ValueType::Binary: {
      const bool fits = indicator != SQL_NO_TOTAL && static_cast<std::size_t>(indicator) <= buffer.plan.bound_bytes;
      const std::string_view bytes = fits ? std::string_view(p, static_cast<std::size_t>(indicator))
                                          : long_value(row_in_block, column);
      assign_bytes<Binary>(out, bytes, Value::binary);
      return;
    }
    case ValueType::Null:
    case ValueType::Text:
    case ValueType::Decimal:
    case ValueType::Time:
      break;
  }
  // Character data: fits when the bytes and the NUL terminator fit.
  const bool wide = buffer.plan.c_type == SQL_C_WCHAR;
  const std::size_t terminator = wide ? sizeof(SQLWCHAR) : 1;
  const bool fits = indicator != SQL_NO_TOTAL &&
                    static_cast<std::size_t>(indicator) + terminator <= buffer.plan.bound_bytes;
  std::string_view text = fits ? std::string_view(p, static_cast<std::size_t>(indicator))
                               : long_value(row_in_block, column);
  if (wide) {
    // Copied out first: the bound buffer is only char-aligned for char16_t.
    wide_units_.resize(text.size() / sizeof(char16_t));
    std::memcpy(wide_units_.data(), text.data(), wide_units_.size() * sizeof(char16_t));
    wide_scratch_.clear();
    append_utf16_as_utf8(wide_units_.data(), wide_units_.size(), wide_scratch_);
    text = wide_scratch_;
  }
  switch (columns_[column].type) {
    case ValueType::Decimal: {
      if (is_canonical_decimal(text)) {
        assign_bytes<Decimal>(out, text, Value::decimal);
        return;
      }
      // PostgreSQL's numeric has NaN and (from 14) ±Infinity: kept as the
      // floating-point value, which the mapper refuses per record (JSON has
      // no such number) instead of failing the whole read.
      if (auto special = special_number(text)) {
        out = Value::real(*special);
        return;
      }
      auto decimal = normalize_decimal(text);
      if (!decimal) conversion_error(row_in_block, column, "'" + std::string(text.substr(0, 64)) + "' is not an exact decimal");
      out = Value::decimal(std::move(*decimal));
      return;
    }
    case ValueType::Time: {
      auto time = parse_time_of_day(text);
      if (!time) conversion_error(row_in_block, column, "'" + std::string(text.substr(0, 64)) + "' is not a time of day");
      out = Value::time(*time);
      return;
    }
    default:
      assign_bytes<std::string>(out, text, Value::text);
      return;
  }
}

std::string_view ResultReader::long_value(std::size_t row_in_block, std::size_t column) {
  SQLHSTMT h = stmt_.get();
  const std::string where = context_ + ": reading the long value of column '" + columns_[column].name +
                            "' in row " + std::to_string(block_first_row_ + row_in_block);
  if (block_rows_ > 1) {
    if (block_fetch_ != BlockFetch::positioned) {
      // Blocks were chosen because every declared size fits its buffer: the
      // driver reported a size its values exceed, and re-reading inside the
      // block is not trusted with this driver.
      throw Error(where, {{"22001", 0,
                           "the value is longer than the column's declared size (" +
                               std::to_string(columns_[column].size) +
                               ") and this driver cannot re-read it inside a block"}});
    }
    if (!SQL_SUCCEEDED(SQLSetPos(h, static_cast<SQLSETPOSIROW>(row_in_block + 1), SQL_POSITION, SQL_LOCK_NO_CHANGE))) {
      throw error_from_handle(SQL_HANDLE_STMT, h, where);
    }
  }
  const SQLSMALLINT c_type = buffers_[column].plan.c_type;
  const std::size_t terminator = c_type == SQL_C_CHAR ? 1 : c_type == SQL_C_WCHAR ? sizeof(SQLWCHAR) : 0;
  long_scratch_.clear();
  std::size_t piece = 64 * 1024;
  while (true) {
    const std::size_t offset = long_scratch_.size();
    long_scratch_.resize(offset + piece + terminator);
    SQLLEN indicator = 0;
    const SQLRETURN rc = SQLGetData(h, static_cast<SQLUSMALLINT>(column + 1), c_type, long_scratch_.data() + offset,
                                    static_cast<SQLLEN>(piece + terminator), &indicator);
    if (rc == SQL_NO_DATA) {
      // The bound buffer said the value is longer than it: no data now means
      // the driver lost it, which must never pass as an empty value.
      if (offset == 0) {
        throw Error(where, {{"HY000", 0, "the driver returned no data (SQL_NO_DATA) for a value it reported as " +
                                             std::to_string(buffers_[column].indicators[row_in_block]) +
                                             " bytes long"}});
      }
      long_scratch_.resize(offset);
      break;
    }
    if (!SQL_SUCCEEDED(rc)) throw error_from_handle(SQL_HANDLE_STMT, h, where);
    if (indicator == SQL_NULL_DATA) {
      long_scratch_.resize(offset);
      break;
    }
    const bool complete = indicator != SQL_NO_TOTAL && static_cast<std::size_t>(indicator) <= piece;
    long_scratch_.resize(offset + (complete ? static_cast<std::size_t>(indicator) : piece));
    if (complete || rc == SQL_SUCCESS) break;
    // The driver said how much is left: read the rest in one piece.
    if (indicator != SQL_NO_TOTAL) piece = static_cast<std::size_t>(indicator) - piece;
  }
  return long_scratch_;
}

void ResultReader::conversion_error(std::size_t row_in_block, std::size_t column, const std::string& what) const {
  throw Error(context_ + ": column '" + columns_[column].name + "' (" + columns_[column].type_name + ") in row " +
                  std::to_string(block_first_row_ + row_in_block),
              {{"22018", 0, "cannot convert to " + std::string(to_string(columns_[column].type)) + ": " + what}});
}

}  // namespace backflow::odbc
