// SIGKILL between any two SQL statements of a warehouse diff run (snapshot,
// diff, streaming, commit): the next run must give what an uninterrupted
// history gives.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

#include "diff/warehouse/warehouse_diff_engine.h"
#include "tests/diff_random_model.h"
#include "tests/diff_sql_model.h"
#include "tests/diff_support.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::diff;
using namespace backflow::test;

namespace {

const char* kSchema = "bf_crash";

// A child process runs one diff + stream + commit on its own connection and
// kills itself just before statement number `kill_at` (1-based).
pid_t spawn_run(const std::string& connection_string, Dialect dialect, const std::string& table, int kill_at) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  try {
    auto conn = odbc::Connection::open(connection_string, "crash-child");
    warehouse::WarehouseDiffEngine engine(conn, dialect, kSchema);
    int statements = 0;
    engine.before_statement = [&](std::string_view) {
      if (++statements == kill_at) raise(SIGKILL);
    };
    auto pending = engine.diff(RandomModel::spec("crash"), warehouse::WarehouseModel{table, ""});
    pending->for_each_change([](const Change&) {});
    pending->commit(std::vector<Row>{{Value::integer(1), Value::text("a")}});
  } catch (...) {
    _exit(1);
  }
  _exit(0);
}

void crash_history(Dialect dialect, const std::string& connection_string) {
  const std::uint64_t seed = Catch::rngSeed() ? Catch::rngSeed() : 99;
  std::cerr << "warehouse crash test (" << to_string(dialect) << ") seed " << seed << "\n";
  INFO("seed " << seed);
  auto conn = odbc::Connection::open(connection_string, "crash-parent");
  if (dialect == Dialect::postgres) conn.execute(std::string("DROP SCHEMA IF EXISTS ") + kSchema + " CASCADE");
  const std::string table = dialect == Dialect::postgres ? "public.diff_crash_model" : "diff_crash_model";
  SqlModelTable model_table(conn, dialect, table);
  RandomModel model(seed, 1000, true);
  ReferenceDiff reference(RandomModel::key_columns(), RandomModel::mapped_columns());
  warehouse::WarehouseDiffEngine engine(conn, dialect, kSchema);
  std::mt19937_64 points(seed);
  int killed = 0;
  for (int iteration = 0; iteration < 12; ++iteration) {
    INFO("iteration " << iteration);
    model.mutate(iteration == 0 ? 300 : 30);
    model_table.replace_rows(model.rows());
    std::vector<Row> rows = model_table.read_back();
    ReferenceResult expected = reference.diff(rows, RandomModel::spec("crash"));

    const int kill_at = static_cast<int>(points() % 32) + 1;
    pid_t child = spawn_run(connection_string, dialect, table, kill_at);
    int status = 0;
    waitpid(child, &status, 0);
    if (WIFSIGNALED(status)) ++killed;
    else REQUIRE(WEXITSTATUS(status) == 0);

    auto pending = engine.diff(RandomModel::spec("crash"), warehouse::WarehouseModel{table, ""});
    auto changes = collect_changes(*pending);
    // Old snapshot: the full diff. New snapshot: only the key the child
    // excluded, if it had changed.
    ReferenceDiff after_commit = reference;
    after_commit.commit({{Value::integer(1), Value::text("a")}});
    ReferenceResult expected_after = after_commit.diff(rows, RandomModel::spec("crash"));
    INFO("kill before statement " << kill_at);
    REQUIRE((changes == expected.changes || changes == expected_after.changes));
    pending->commit({});
    reference.diff(rows, RandomModel::spec("crash"));
    reference.commit({});
  }
  CHECK(killed > 0);
}

}  // namespace

TEST_CASE("warehouse engine on SQLite: SIGKILL between statements leaves the old or the new snapshot",
          "[diff][warehouse][crash]") {
  crash_history(Dialect::sqlite, sqlite_connection_string(make_temp_dir("diff-wh-crash") / "warehouse.db"));
}

TEST_CASE("warehouse engine on PostgreSQL: SIGKILL between statements leaves the old or the new snapshot",
          "[pg][diff][warehouse][crash]") {
  crash_history(Dialect::postgres, pg_connection_string());
}
