#include "tests/diff_random_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace backflow::test {

RandomModel::RandomModel(std::uint64_t seed, int key_range, bool strict_types)
    : rng_(seed), key_range_(key_range), strict_(strict_types) {}

std::vector<ColumnInfo> RandomModel::columns() {
  auto col = [](const char* name, ValueType type) {
    ColumnInfo c;
    c.name = name;
    c.type = type;
    return c;
  };
  return {col("k1", ValueType::Int),     col("k2", ValueType::Text),   col("a", ValueType::Int),
          col("b", ValueType::Text),     col("c", ValueType::Decimal), col("d", ValueType::Double),
          col("e", ValueType::Timestamp), col("u", ValueType::Text)};
}

diff::DiffSpec RandomModel::spec(const std::string& sync_name) {
  diff::DiffSpec spec;
  spec.sync_name = sync_name;
  spec.primary_key = {"k1", "k2"};
  spec.mapped_columns = {"a", "b", "c", "d", "e"};
  return spec;
}

Value RandomModel::random_key1() {
  return Value::integer(std::uniform_int_distribution<int>(0, key_range_ - 1)(rng_));
}

Value RandomModel::random_key2() {
  static const char* texts[] = {"a", "b", "c,d", "\\", "é"};
  return Value::text(texts[std::uniform_int_distribution<int>(0, 4)(rng_)]);
}

Value RandomModel::random_mapped(std::size_t column) {
  int pick = std::uniform_int_distribution<int>(0, 7)(rng_);
  if (strict_) {
    switch (column) {
      case 2: if (pick == 6) pick = 1; break;  // no text in the int column
      case 4: if (pick == 6) pick = 1; break;  // no int in the decimal column
      case 5: if (pick == 2 || pick == 5) pick = 4; break;  // no -0 or infinity
      default: if (pick == 7) pick = 3; break;  // no timestamptz in the timestamp column
    }
    if (column == 5 && pick == 4) return Value::real(0.5);
    if (column == 5 && pick == 3) return Value::real(1e300);
  }
  switch (column) {
    case 2: {
      const Value values[] = {Value::null(), Value::integer(0), Value::integer(1), Value::integer(-1),
                              Value::integer(std::numeric_limits<std::int64_t>::min()),
                              Value::integer(std::numeric_limits<std::int64_t>::max()),
                              Value::text("1"),  // same text as int 1, another type
                              Value::integer(std::uniform_int_distribution<int>(0, 1000000)(rng_))};
      return values[pick];
    }
    case 3: {
      const Value values[] = {Value::null(), Value::text(""), Value::text("x"), Value::text("x,y\\"),
                              Value::text("héllo"), Value::text(std::string(300, 'z')), Value::text("NULL"),
                              Value::text(std::to_string(rng_()))};
      return values[pick];
    }
    case 4: {
      const Value values[] = {Value::null(), Value::decimal("1.5"), Value::decimal("1.50"), Value::decimal("0"),
                              Value::decimal("-0.001"), Value::decimal("123456789012345678901234567890.5"),
                              Value::integer(15), Value::decimal(std::to_string(rng_() % 100000) + ".25")};
      return values[pick];
    }
    case 5: {
      const Value values[] = {Value::null(), Value::real(0.0), Value::real(-0.0), Value::real(1e300),
                              Value::real(0.1), Value::real(std::numeric_limits<double>::infinity()),
                              Value::real(-1.0), Value::real(static_cast<double>(rng_() % 1000) / 7.0)};
      return values[pick];
    }
    default: {
      Timestamp ts;
      ts.date = Date{2024, static_cast<std::uint8_t>(1 + pick), static_cast<std::uint8_t>(1 + pick * 3)};
      ts.time = TimeOfDay{12, 30, static_cast<std::uint8_t>(pick), static_cast<std::uint32_t>(pick * 1000)};
      if (pick == 0) return Value::null();
      if (pick == 7) return Value::timestamp_tz(ts);  // same wall time, another type
      return Value::timestamp(ts);
    }
  }
}

Row RandomModel::random_row() {
  Row row{random_key1(), random_key2()};
  for (std::size_t c = 2; c <= 6; ++c) row.push_back(random_mapped(c));
  row.push_back(Value::text("u" + std::to_string(rng_() % 10)));
  return row;
}

void RandomModel::mutate(int inserts) {
  std::uniform_int_distribution<int> percent(0, 99);
  std::vector<Row> next;
  for (Row& row : rows_) {
    int p = percent(rng_);
    if (p < 8) continue;  // deleted
    if (p < 20) {
      auto column = static_cast<std::size_t>(std::uniform_int_distribution<int>(2, 6)(rng_));
      row[column] = random_mapped(column);
    } else if (p < 30) row[7] = Value::text("u" + std::to_string(rng_() % 10));  // unmapped: not a change
    next.push_back(row);
    if (p == 99) next.push_back(row);  // duplicate key, identical row
  }
  for (int i = 0; i < inserts; ++i) next.push_back(random_row());  // may collide: duplicates
  for (int i = 0; i < 2; ++i) {
    Row bad = random_row();
    bad[static_cast<std::size_t>(i)] = Value::null();
    next.push_back(bad);
  }
  std::shuffle(next.begin(), next.end(), rng_);
  rows_ = std::move(next);
}

std::vector<Row> RandomModel::random_keys(std::size_t count) {
  std::vector<Row> keys;
  for (std::size_t i = 0; i < count; ++i) {
    if (!rows_.empty() && rng_() % 2 == 0) {
      const Row& r = rows_[rng_() % rows_.size()];
      if (!r[0].is_null() && !r[1].is_null()) {
        keys.push_back({r[0], r[1]});
        continue;
      }
    }
    keys.push_back({random_key1(), random_key2()});
  }
  return keys;
}

}  // namespace backflow::test
