// The warehouse engine executed for real on SQLite and PostgreSQL, checked
// against the local engine and the reference.
#include <catch2/catch.hpp>

#include <iostream>

#include "diff/diff_error.h"
#include "diff/local/local_diff_engine.h"
#include "diff/warehouse/warehouse_diff_engine.h"
#include "tests/diff_random_model.h"
#include "tests/diff_sql_model.h"
#include "tests/diff_support.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::diff;
using namespace backflow::test;

namespace {

std::string model_table_name(Dialect dialect, const std::string& name) {
  return dialect == Dialect::postgres ? "public." + name : name;
}

void check_engines_agree(Dialect dialect, std::uint64_t seed, int rounds) {
  INFO("dialect " << to_string(dialect) << ", seed " << seed);
  auto conn = open_warehouse(dialect, "diff-property");
  const std::string table = model_table_name(dialect, "diff_property_model");
  SqlModelTable model_table(conn, dialect, table);
  RandomModel model(seed, 1000, true);
  ReferenceDiff reference(RandomModel::key_columns(), RandomModel::mapped_columns());
  local::LocalDiffEngine local_engine(local::SnapshotStore::open(make_temp_dir("diff-property-local")));
  if (dialect == Dialect::postgres) conn.execute("DROP SCHEMA IF EXISTS bf_property CASCADE");
  warehouse::WarehouseDiffEngine warehouse_engine(conn, dialect, "bf_property");

  DiffCounts seen;
  for (int round = 0; round < rounds; ++round) {
    INFO("round " << round);
    model.mutate(round == 0 ? 250 : 30);
    model_table.replace_rows(model.rows());
    std::vector<Row> rows = model_table.read_back();

    DiffSpec spec = RandomModel::spec("property sync");
    spec.full_resync = model.rng()() % 10 == 0;
    spec.retry_keys = model.random_keys(4);
    ReferenceResult expected = reference.diff(rows, spec);

    std::unique_ptr<PendingSnapshot> local_pending;
    {
      auto reader = conn.query(model_table.select_all());
      local_pending = local_engine.diff(spec, reader);
    }
    auto warehouse_pending = warehouse_engine.diff(spec, warehouse::WarehouseModel{table, ""});

    CHECK(local_pending->counts() == expected.counts);
    CHECK(warehouse_pending->counts() == expected.counts);
    REQUIRE(collect_changes(*local_pending) == expected.changes);
    REQUIRE(collect_changes(*warehouse_pending) == expected.changes);
    CHECK(warehouse_pending->invalid_sample().size() == std::min<std::size_t>(expected.counts.invalid, 100));

    seen.added += expected.counts.added;
    seen.changed += expected.counts.changed;
    seen.removed += expected.counts.removed;
    seen.invalid += expected.counts.invalid;
    std::vector<Row> excluded = model.random_keys(5);
    local_pending->commit(excluded);
    warehouse_pending->commit(excluded);
    reference.commit(excluded);
  }
  // The rounds exercised every kind of outcome.
  CHECK(seen.added > 0);
  CHECK(seen.changed > 0);
  CHECK(seen.removed > 0);
  CHECK(seen.invalid > 0);
}

}  // namespace

TEST_CASE("warehouse and local engines match the reference on SQLite", "[diff][warehouse][property]") {
  check_engines_agree(Dialect::sqlite, Catch::rngSeed() ? Catch::rngSeed() : 7, 30);
}

TEST_CASE("warehouse and local engines match the reference on PostgreSQL", "[pg][diff][warehouse][property]") {
  check_engines_agree(Dialect::postgres, Catch::rngSeed() ? Catch::rngSeed() : 11, 30);
}
