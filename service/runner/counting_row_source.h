// A RowSource that counts the rows passing through it and reports progress
// every few thousand rows; for the SNAPSHOT phase's progress line.
#pragma once

#include <cstdint>
#include <functional>

#include "diff/row_source.h"

namespace backflow::runner {

class CountingRowSource final : public RowSource {
 public:
  // `source` must outlive this. `on_rows` (may be empty) gets the running count.
  CountingRowSource(RowSource& source, std::function<void(std::uint64_t)> on_rows)
      : source_(source), on_rows_(std::move(on_rows)) {}

  const std::vector<ColumnInfo>& columns() const override { return source_.columns(); }
  bool next(Row& row) override {
    if (!source_.next(row)) return false;
    if ((++rows_ & 4095) == 0 && on_rows_) on_rows_(rows_);
    return true;
  }
  std::uint64_t rows() const { return rows_; }

 private:
  RowSource& source_;
  std::function<void(std::uint64_t)> on_rows_;
  std::uint64_t rows_ = 0;
};

}  // namespace backflow::runner
