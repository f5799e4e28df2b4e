// A randomly evolving model with a composite key (k1 int, k2 text), five
// mapped columns of different types and one unmapped column, for property
// and crash tests. Deterministic for a given seed.
#pragma once

#include <random>
#include <vector>

#include "diff/diff_spec.h"
#include "model/row_source.h"

namespace backflow::test {

class RandomModel {
 public:
  // `strict_types`: every column keeps one type and values survive a round
  // trip through SQLite and PostgreSQL (for models stored in a warehouse).
  explicit RandomModel(std::uint64_t seed, int key_range = 1000, bool strict_types = false);

  static std::vector<ColumnInfo> columns();
  static std::vector<std::size_t> key_columns() { return {0, 1}; }
  static std::vector<std::size_t> mapped_columns() { return {2, 3, 4, 5, 6}; }
  static diff::DiffSpec spec(const std::string& sync_name);

  // Inserts `inserts` rows and mutates existing ones: deletes, updates of
  // mapped and unmapped columns, duplicate and NULL keys, type edge cases.
  void mutate(int inserts);

  const std::vector<Row>& rows() const { return rows_; }
  // `count` random key values (of present or absent rows).
  std::vector<Row> random_keys(std::size_t count);
  std::mt19937_64& rng() { return rng_; }

 private:
  Row random_row();
  Value random_key1();
  Value random_key2();
  Value random_mapped(std::size_t column);
  std::mt19937_64 rng_;
  int key_range_;
  bool strict_;
  std::vector<Row> rows_;
};

}  // namespace backflow::test
