// A RowSource that counts the rows passing through it, reports progress
// every few thousand rows (the SNAPSHOT phase's progress line) and ends the
// read with RunStopped when the run is asked to stop, so a cancel or a
// shutdown does not wait for a large model to be read to its end.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <stop_token>

#include "model/row_source.h"

namespace backflow::runner {

// Thrown out of a phase when the run's stop token is requested.
class RunStopped : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CountingRowSource final : public RowSource {
 public:
  // `source` must outlive this. `on_rows` (may be empty) gets the running count.
  CountingRowSource(RowSource& source, std::function<void(std::uint64_t)> on_rows, std::stop_token stop = {})
      : source_(source), on_rows_(std::move(on_rows)), stop_(std::move(stop)) {}

  const std::vector<ColumnInfo>& columns() const override { return source_.columns(); }
  bool next(Row& row) override {
    if (!source_.next(row)) return false;
    if ((++rows_ & 4095) == 0) {
      if (on_rows_) on_rows_(rows_);
      if (stop_.stop_requested()) throw RunStopped("stopped while reading the model");
    }
    return true;
  }
  std::uint64_t rows() const { return rows_; }

 private:
  RowSource& source_;
  std::function<void(std::uint64_t)> on_rows_;
  std::stop_token stop_;
  std::uint64_t rows_ = 0;
};

}  // namespace backflow::runner
