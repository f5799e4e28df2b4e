// End to end on PostgreSQL: both diff engines, rounds of random changes, the
// receiver equal to the model after every run; runs killed at random points
// resume and converge with both engines.
#include <catch2/catch.hpp>

#include <random>

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

// A fresh database per test, so that tables never collide.
std::string fresh_database(const std::string& name) {
  auto admin = odbc::Connection::open(test::pg_connection_string(), "admin");
  admin.execute("drop database if exists " + name);
  admin.execute("create database " + name);
  std::string connection = test::pg_connection_string();
  const std::string from = "Database=postgres";
  connection.replace(connection.find(from), from.size(), "Database=" + name);
  return connection;
}

void rounds(const std::string& engine, const std::string& database) {
  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const std::string connection = fresh_database(database);
  PeopleModel model(odbc::Connection::open(connection, "model"), 150);
  ModelReceiver receiver;
  SyncSettings settings;
  settings.engine = engine;
  settings.on_delete = "delete";
  settings.batch_size = 25;
  RunnerHarness harness("runner-pg-" + engine, connection, "postgres", receiver.url(), settings);
  for (int round = 0; round < 8; ++round) {
    if (round > 0) model.random_changes(rng);
    auto report = harness.run();
    INFO("round " << round << ": " << report.record.error);
    REQUIRE(report.record.phase == RunPhase::Succeeded);
    CHECK(receiver.records() == model.expected());
  }
}

}  // namespace

TEST_CASE("runner PG: local engine keeps the receiver equal to the model", "[runner][pg]") {
  rounds("local", "runner_local");
}

TEST_CASE("runner PG: warehouse engine keeps the receiver equal to the model", "[runner][pg]") {
  rounds("warehouse", "runner_warehouse");
}

namespace {

// Kills `backflow run` at random points, then checks that the receiver holds
// exactly the model, that every run ended, and that only batches in flight
// at a kill were sent twice: acknowledged ones never.
void crash_and_resume(const std::string& engine, const std::string& database) {
  const auto seed = std::random_device{}();
  std::printf("runner PG crash test (%s engine) seed %u\n", engine.c_str(), seed);
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const std::string connection = fresh_database(database);
  PeopleModel model(odbc::Connection::open(connection, "model"), 100);
  ModelReceiver receiver;
  SyncSettings settings;
  settings.engine = engine;
  settings.on_delete = "delete";
  settings.batch_size = 9;
  RunnerHarness harness("runner-pg-crash-" + engine, connection, "postgres", receiver.url(), settings);
  const test::CrashCampaign campaign = test::kill_randomly(harness, model, rng, 30);
  CHECK(campaign.kills >= 30);
  CHECK(receiver.records() == model.expected());
  auto db = state::StateDb::open(harness.state_dir() / "state");
  for (const auto& run : state::RunStore(*db).list("people_sync", 500)) {
    CHECK(state::is_terminal(run.phase));
    CHECK_THAT(run.error, !Catch::Contains("in phase guard") && !Catch::Contains("in phase deliver") &&
                              !Catch::Contains("in phase commit"));
  }
  INFO("kills while sending " << campaign.kills_while_sending);
  CHECK(receiver.resent() <= static_cast<std::uint64_t>(campaign.kills_while_sending) * 9);
  CHECK(receiver.repeated_in_run() <= static_cast<std::uint64_t>(campaign.kills_while_sending) * 9);
}

}  // namespace

TEST_CASE("runner PG: local engine runs killed at random points resume and converge", "[runner][pg][crash]") {
  crash_and_resume("local", "runner_crash_local");
}

TEST_CASE("runner PG: warehouse engine runs killed at random points resume and converge", "[runner][pg][crash]") {
  crash_and_resume("warehouse", "runner_crash_warehouse");
}

namespace {

// A numeric NaN in one row of the model: that record is invalid, named by
// the model's field and the record's key; every other record arrives.
void numeric_nan(const std::string& engine, const std::string& database) {
  const std::string connection = fresh_database(database);
  PeopleModel model(odbc::Connection::open(connection, "model"), 20);
  ModelReceiver receiver;
  SyncSettings settings;
  settings.engine = engine;
  settings.source =
      "query: \"select id, name, case when id = 2 then 'NaN'::numeric else score::numeric end as score from people\"";
  RunnerHarness harness("runner-pg-nan-" + engine, connection, "postgres", receiver.url(), settings);
  auto report = harness.run();
  INFO(report.record.error);
  REQUIRE(state::is_terminal(report.record.phase));
  CHECK(report.record.phase != RunPhase::Failed);
  CHECK(report.record.counts.invalid == 1);
  auto expected = model.expected();
  expected.erase(R"({"id":2})");
  CHECK(receiver.records() == expected);
  REQUIRE(report.failures.size() == 1);
  CHECK(report.failures[0].status == "invalid");
  CHECK(report.failures[0].message == "field 'score': value NaN has no JSON representation");
}

}  // namespace

TEST_CASE("runner PG: a numeric NaN makes its record invalid (local engine), the rest arrive", "[runner][pg][hostile]") {
  numeric_nan("local", "runner_nan_local");
}

TEST_CASE("runner PG: a numeric NaN makes its record invalid (warehouse engine), the rest arrive",
          "[runner][pg][hostile]") {
  numeric_nan("warehouse", "runner_nan_warehouse");
}
