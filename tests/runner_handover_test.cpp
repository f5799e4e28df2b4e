// The service's way of running a sync: it hands the runner a run record it
// already persisted and its own RunStore, and a stop may mean shutdown (the
// run stays unfinished and resumes) rather than cancel.
#include <catch2/catch.hpp>

#include "state/run_store.h"
#include "state/state_db.h"
#include "tests/runner_support.h"

using namespace backflow;
using backflow::test::ModelReceiver;
using backflow::test::PeopleModel;
using backflow::test::RunnerHarness;
using state::RunPhase;

namespace {

struct HandoverSetup {
  explicit HandoverSetup(std::size_t rows = 120, test::SyncSettings settings = {})
      : model(odbc::Connection::open(connection, "model"), rows),
        harness("runner-handover-config", connection, "sqlite", receiver.url(), std::move(settings)) {}
  std::filesystem::path dir = test::make_temp_dir("runner-handover");
  std::string connection = test::sqlite_connection_string(dir / "model.db");
  PeopleModel model;
  ModelReceiver receiver;
  RunnerHarness harness;
};

// Runs `run` the service's way; `stop_after_sent` > 0 stops it (a shutdown
// or a cancel) once that many records have an outcome; `stop_after_read` > 0
// once that many model rows were read.
runner::RunReport run_handed_over(HandoverSetup& setup, state::StateDb& db, state::RunStore& runs,
                                  const state::RunRecord& run, std::uint64_t stop_after_sent = 0,
                                  bool shutdown = false, std::uint64_t stop_after_read = 0) {
  runner::SyncRunner sync_runner(setup.harness.config(), setup.harness.state_dir(), &db);
  std::stop_source stop;
  runner::RunRequest request;
  request.sync = "people_sync";
  request.stop = stop.get_token();
  request.stop_is_shutdown = [shutdown] { return shutdown; };
  request.existing_run = run;
  request.run_store = &runs;
  if (stop_after_sent > 0 || stop_after_read > 0) {
    request.on_progress = [&](const runner::RunProgress& progress) {
      if (stop_after_sent > 0 && progress.records_sent >= stop_after_sent) stop.request_stop();
      if (stop_after_read > 0 && progress.rows_read >= stop_after_read) stop.request_stop();
    };
  }
  return sync_runner.run(request);
}

}  // namespace

TEST_CASE("runner handover: a queued record runs under its id in the given store", "[runner][handover]") {
  HandoverSetup setup;
  auto db = state::StateDb::open(setup.harness.state_dir() / "state");
  state::RunStore runs(*db);
  const state::RunRecord queued = runs.create("people_sync", state::RunTrigger::Manual, false, false, 1);

  auto report = run_handed_over(setup, *db, runs, queued);
  INFO(report.record.error);
  CHECK(report.record.id == queued.id);
  CHECK(report.record.phase == RunPhase::Succeeded);
  CHECK(runs.get(queued.id)->phase == RunPhase::Succeeded);
  CHECK(setup.receiver.records() == setup.model.expected());
  // The store's id counter was the only one used: the next id follows.
  CHECK(runs.create("people_sync", state::RunTrigger::Manual, false, false, 2).id > queued.id);
}

TEST_CASE("runner handover: a shutdown leaves the run unfinished and the next start resumes it", "[runner][handover]") {
  HandoverSetup setup;
  auto db = state::StateDb::open(setup.harness.state_dir() / "state");
  state::RunStore runs(*db);
  const state::RunRecord queued = runs.create("people_sync", state::RunTrigger::Schedule, false, false, 1);

  auto stopped = run_handed_over(setup, *db, runs, queued, 10, true);
  INFO(stopped.record.error);
  REQUIRE(stopped.record.phase == RunPhase::Deliver);
  CHECK(stopped.record.checkpoint.changes_acked > 0);
  CHECK(stopped.record.checkpoint.changes_acked < 120);
  CHECK(setup.receiver.records() != setup.model.expected());
  REQUIRE(runs.unfinished("people_sync"));

  auto resumed = run_handed_over(setup, *db, runs, *runs.unfinished("people_sync"));
  INFO(resumed.record.error);
  CHECK(resumed.resumed);
  CHECK(resumed.record.id == queued.id);
  CHECK(resumed.record.phase == RunPhase::Succeeded);
  CHECK(setup.receiver.records() == setup.model.expected());
  CHECK(setup.receiver.repeated_in_run() <= 10);  // at most the batches in flight, sent again
}

TEST_CASE("runner handover: a cancel ends the run cancelled with nothing committed", "[runner][handover]") {
  HandoverSetup setup;
  auto db = state::StateDb::open(setup.harness.state_dir() / "state");
  state::RunStore runs(*db);
  auto cancelled = run_handed_over(setup, *db, runs, runs.create("people_sync", state::RunTrigger::Manual, false, false, 1),
                                   10, false);
  CHECK(cancelled.record.phase == RunPhase::Cancelled);
  CHECK_FALSE(runs.unfinished("people_sync"));
  // Nothing was committed: the next run sends every row again.
  auto next = run_handed_over(setup, *db, runs, runs.create("people_sync", state::RunTrigger::Manual, false, false, 2));
  CHECK(next.record.phase == RunPhase::Succeeded);
  CHECK(next.record.counts.added == 120);
  CHECK(setup.receiver.records() == setup.model.expected());
}

TEST_CASE("runner handover: a stop while the model is read ends the read early and sends nothing",
          "[runner][handover]") {
  test::SyncSettings settings;
  settings.batch_size = 1000;
  HandoverSetup setup(30000, settings);
  auto db = state::StateDb::open(setup.harness.state_dir() / "state");
  state::RunStore runs(*db);

  SECTION("a cancel ends the run cancelled") {
    auto cancelled = run_handed_over(setup, *db, runs, runs.create("people_sync", state::RunTrigger::Manual, false, false, 1),
                                     0, false, 4096);
    CHECK(cancelled.record.phase == RunPhase::Cancelled);
    CHECK(cancelled.record.error.find("before anything was sent") != std::string::npos);
    CHECK(cancelled.record.counts.rows_read < 30000);
    CHECK(setup.receiver.records_received() == 0);
    CHECK_FALSE(runs.unfinished("people_sync"));
  }
  SECTION("a shutdown leaves the run to start over under its id on the next start") {
    const state::RunRecord queued = runs.create("people_sync", state::RunTrigger::Schedule, false, false, 1);
    auto stopped = run_handed_over(setup, *db, runs, queued, 0, true, 4096);
    CHECK(stopped.record.phase == RunPhase::Snapshot);
    CHECK(setup.receiver.records_received() == 0);
    auto unfinished = runs.unfinished("people_sync");
    REQUIRE(unfinished);
    auto again = run_handed_over(setup, *db, runs, *unfinished);
    CHECK(again.record.id == queued.id);
    CHECK(again.record.phase == RunPhase::Succeeded);
    CHECK(again.record.counts.added == 30000);
    CHECK(setup.receiver.records() == setup.model.expected());
  }
}
