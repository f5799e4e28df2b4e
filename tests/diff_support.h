// Test helpers for the diff engines: an in-memory model, a reference diff
// that states the contract in the simplest possible way, and a canonical
// form of a change list so engines can be compared.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "diff/change.h"
#include "diff/diff_spec.h"
#include "diff/pending_snapshot.h"
#include "model/row_source.h"

namespace backflow::test {

// A model held in memory. Optionally throws after `fail_after` rows.
class VectorRowSource : public RowSource {
 public:
  VectorRowSource(std::vector<ColumnInfo> columns, std::vector<Row> rows)
      : columns_(std::move(columns)), rows_(std::move(rows)) {}
  const std::vector<ColumnInfo>& columns() const override { return columns_; }
  bool next(Row& row) override;
  std::optional<std::size_t> fail_after;

 private:
  std::vector<ColumnInfo> columns_;
  std::vector<Row> rows_;
  std::size_t position_ = 0;
};

// Columns of the smallest keyed model: id (Int, the key), name (Text).
std::vector<ColumnInfo> id_name_columns();

// One change in comparable form.
struct ChangeRecord {
  diff::ChangeOp op;
  std::string key_id;
  std::string row;  // codec bytes of the mapped row
  std::vector<std::size_t> changed_columns;
  auto operator<=>(const ChangeRecord&) const = default;
};
std::ostream& operator<<(std::ostream& os, const ChangeRecord& c);

// All changes of a pending snapshot, sorted.
std::vector<ChangeRecord> collect_changes(diff::PendingSnapshot& pending);

struct ReferenceResult {
  std::vector<ChangeRecord> changes;  // sorted
  diff::DiffCounts counts;
};

// The contract, executed naively with in-memory maps.
class ReferenceDiff {
 public:
  ReferenceDiff(std::vector<std::size_t> key_columns, std::vector<std::size_t> mapped_columns)
      : key_columns_(std::move(key_columns)), mapped_columns_(std::move(mapped_columns)) {}

  // Diffs `rows` against the committed state; remembers the run for commit().
  ReferenceResult diff(const std::vector<Row>& rows, const diff::DiffSpec& spec);
  void commit(const std::vector<Row>& excluded_keys);

 private:
  std::vector<std::size_t> key_columns_, mapped_columns_;
  std::map<std::string, Row> committed_;  // encoded key -> mapped row
  std::map<std::string, Row> pending_;
};

}  // namespace backflow::test
