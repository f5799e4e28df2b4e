// WarehouseDiffEngine::resume: another process (here: another connection)
// reopens an interrupted run's diff and streams exactly the same changes in
// the same order, with the values of the diff's time, even after the model
// changed; a committed run has nothing to resume; a diff table that lost rows
// is refused.
#include <catch2/catch.hpp>

#include <algorithm>

#include "diff/diff_error.h"
#include "model/row_codec.h"
#include "diff/warehouse/table_names.h"
#include "diff/warehouse/warehouse_diff_engine.h"
#include "tests/diff_random_model.h"
#include "tests/diff_sql_model.h"
#include "tests/diff_support.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::diff;
using namespace backflow::test;

namespace {

const char* kSchema = "bf_resume";

// The stream as it comes, not sorted: the order is part of the contract.
std::vector<ChangeRecord> stream(PendingSnapshot& pending) {
  std::vector<ChangeRecord> out;
  pending.for_each_change([&](const Change& c) {
    std::string row;
    encode_row(c.row, row);
    out.push_back(ChangeRecord{c.op, c.key.id, row, c.changed_columns});
  });
  return out;
}

void resume_history(Dialect dialect, const std::string& connection_string) {
  const std::uint64_t seed = Catch::rngSeed() ? Catch::rngSeed() : 5;
  INFO("dialect " << to_string(dialect) << ", seed " << seed);
  auto conn = odbc::Connection::open(connection_string, "resume-first");
  auto other = odbc::Connection::open(connection_string, "resume-second");
  if (dialect == Dialect::postgres) conn.execute(std::string("DROP SCHEMA IF EXISTS ") + kSchema + " CASCADE");
  const std::string table = dialect == Dialect::postgres ? "public.diff_resume_model" : "diff_resume_model";
  SqlModelTable model_table(conn, dialect, table);
  RandomModel model(seed, 1000, true);
  ReferenceDiff reference(RandomModel::key_columns(), RandomModel::mapped_columns());
  warehouse::WarehouseDiffEngine first(conn, dialect, kSchema);
  warehouse::WarehouseDiffEngine second(other, dialect, kSchema);
  const DiffSpec spec = RandomModel::spec("resume sync");

  for (int round = 0; round < 6; ++round) {
    INFO("round " << round);
    model.mutate(round == 0 ? 300 : 40);
    model_table.replace_rows(model.rows());
    ReferenceResult expected = reference.diff(model_table.read_back(), spec);

    auto interrupted = first.diff(spec, warehouse::WarehouseModel{table, ""});
    const std::vector<ChangeRecord> original = stream(*interrupted);
    std::vector<ChangeRecord> sorted = original;
    std::sort(sorted.begin(), sorted.end());
    REQUIRE(sorted == expected.changes);

    // The model moves on before the resume; the resumed stream does not.
    model.mutate(10);
    model_table.replace_rows(model.rows());

    auto resumed = second.resume(spec, interrupted->counts());
    REQUIRE(resumed);
    CHECK(resumed->counts() == interrupted->counts());
    CHECK(stream(*resumed) == original);
    CHECK(stream(*resumed) == original);  // repeatable

    const std::vector<Row> excluded = model.random_keys(3);
    resumed->commit(excluded);
    reference.commit(excluded);
    CHECK_FALSE(second.resume(spec, interrupted->counts()));  // committed: nothing to resume
  }

  // A diff table that lost rows (UNLOGGED, after a warehouse restart) cannot
  // be resumed.
  model.mutate(40);
  model_table.replace_rows(model.rows());
  auto pending = first.diff(spec, warehouse::WarehouseModel{table, ""});
  REQUIRE(pending->counts().added + pending->counts().changed + pending->counts().removed > 0);
  const warehouse::SyncTables tables = warehouse::make_sync_tables(dialect, kSchema, spec.sync_name);
  other.execute("DELETE FROM " + tables.diff);
  CHECK_THROWS_AS(second.resume(spec, pending->counts()), DiffError);
}

}  // namespace

TEST_CASE("warehouse engine on SQLite: a resumed run streams the interrupted run's changes in the same order",
          "[diff][warehouse][resume]") {
  resume_history(Dialect::sqlite, sqlite_connection_string(make_temp_dir("diff-wh-resume") / "warehouse.db"));
}

TEST_CASE("warehouse engine on PostgreSQL: a resumed run streams the interrupted run's changes in the same order",
          "[pg][diff][warehouse][resume]") {
  resume_history(Dialect::postgres, pg_connection_string());
}
