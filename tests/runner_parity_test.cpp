// The parity checks: a run whose read ends early, whose change stream ends
// early or whose destination loses an outcome fails with both numbers and
// commits nothing, on both engines; the next run delivers what was missing.
// The faults are injected into the real `backflow run` binary
// (BACKFLOW_TEST_FAULT, service/runner/fault_point.h).
#include <catch2/catch.hpp>

#include "state/run_store.h"
#include "state/state_db.h"
#include "tests/runner_support.h"

using namespace backflow;
using backflow::test::ModelReceiver;
using backflow::test::PeopleModel;
using backflow::test::RunnerHarness;
using backflow::test::SyncSettings;
using state::RunPhase;

namespace {

struct ParitySetup {
  std::filesystem::path dir;
  std::string connection;
  PeopleModel model;
  ModelReceiver receiver;
  RunnerHarness harness;

  ParitySetup(const std::string& label, const std::string& engine)
      : dir(test::make_temp_dir(label)),
        connection(test::sqlite_connection_string(dir / "model.db")),
        model(odbc::Connection::open(connection, "model"), 120),
        harness("parity-" + label, connection, "sqlite", receiver.url(), settings(engine)) {}

  static SyncSettings settings(const std::string& engine) {
    SyncSettings s;
    s.engine = engine;
    s.on_delete = "delete";
    return s;
  }

  state::RunRecord last_run() {
    auto db = state::StateDb::open(harness.state_dir() / "state");
    auto runs = state::RunStore(*db).list("people_sync", 1);
    REQUIRE(runs.size() == 1);
    return runs.front();
  }

  // A clean run afterwards converges: nothing the faulty run skipped is lost.
  void converges() {
    auto clean = harness.run_binary();
    INFO(clean.output);
    CHECK(clean.exit_code == 0);
    CHECK(last_run().phase == RunPhase::Succeeded);
    CHECK(receiver.records() == model.expected());
  }
};

}  // namespace

TEST_CASE("parity: a model read that ends early fails the run and commits nothing", "[runner][parity]") {
  ParitySetup setup("short-read", "local");
  auto faulty = setup.harness.run_binary("", "BACKFLOW_TEST_FAULT=short_read:50 ");
  INFO(faulty.output);
  CHECK(faulty.exit_code == 1);
  CHECK_THAT(faulty.output, Catch::Contains("read 50 rows of the model but the warehouse counts 120"));
  const state::RunRecord run = setup.last_run();
  CHECK(run.phase == RunPhase::Failed);
  CHECK(run.counts.rows_read == 50);
  CHECK(run.counts.model_rows == 120);
  CHECK(setup.receiver.records_received() == 0);
  setup.converges();
  CHECK(setup.last_run().counts.model_rows == 120);
}

TEST_CASE("parity: a change stream that ends early fails the run on either engine", "[runner][parity]") {
  for (const std::string engine : {"local", "warehouse"}) {
    INFO("engine " << engine);
    ParitySetup setup("short-changes-" + engine, engine);
    auto faulty = setup.harness.run_binary("", "BACKFLOW_TEST_FAULT=short_changes:30 ");
    INFO(faulty.output);
    CHECK(faulty.exit_code == 1);
    CHECK_THAT(faulty.output, Catch::Contains("the diff counted 120 changes") && Catch::Contains("yielded 30"));
    CHECK(setup.last_run().phase == RunPhase::Failed);
    CHECK(setup.receiver.records().size() == 30);
    // Without the check the diff was committed whole: the other 90 records
    // would never be sent unless they changed again.
    setup.converges();
  }
}

TEST_CASE("parity: a destination that loses an outcome fails the run on either engine", "[runner][parity]") {
  for (const std::string engine : {"local", "warehouse"}) {
    INFO("engine " << engine);
    ParitySetup setup("drop-outcome-" + engine, engine);
    auto faulty = setup.harness.run_binary("", "BACKFLOW_TEST_FAULT=drop_outcome:7 ");
    INFO(faulty.output);
    CHECK(faulty.exit_code == 1);
    CHECK_THAT(faulty.output, Catch::Contains("120 records were handed to the destination but it reported 119 outcomes"));
    CHECK(setup.last_run().phase == RunPhase::Failed);
    setup.model.execute("update people set score = score + 1000 where id = 3");
    setup.converges();
  }
}
