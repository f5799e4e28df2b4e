// End to end on MariaDB (Debian's server and Connector/ODBC): both diff
// engines over a model whose long names share fetch blocks, rounds of random
// changes, the receiver equal to the model after every run, the parity
// counts recorded; runs killed at random points resume and converge.
#include <catch2/catch.hpp>

#include <random>

#include "diff/warehouse/dialect_sql.h"
#include "state/run_store.h"
#include "state/state_db.h"
#include "tests/runner_support.h"

using namespace backflow;
using backflow::test::ModelReceiver;
using backflow::test::PeopleModel;
using backflow::test::PeopleOptions;
using backflow::test::RunnerHarness;
using backflow::test::SyncSettings;
using state::RunPhase;

namespace {

PeopleOptions long_names() {
  PeopleOptions options;
  options.mysql = true;
  options.long_name_every = 17;  // about 59 long names in each block of 1,000 rows
  return options;
}

void rounds(const std::string& engine, const std::string& database) {
  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const std::string connection = test::mariadb_fresh_database(database);
  PeopleModel model(odbc::Connection::open(connection, "model"), 2500, long_names());
  ModelReceiver receiver;
  SyncSettings settings;
  settings.engine = engine;
  settings.on_delete = "delete";
  settings.batch_size = 200;
  settings.bookkeeping_schema = database + "_bk";
  RunnerHarness harness("runner-mariadb-" + engine, connection, "mysql", receiver.url(), settings);
  for (int round = 0; round < 5; ++round) {
    if (round > 0) model.random_changes(rng);
    auto report = harness.run();
    INFO("round " << round << ": " << report.record.error);
    REQUIRE(report.record.phase == RunPhase::Succeeded);
    const auto expected = model.expected();
    CHECK(report.record.counts.rows_read == expected.size());
    CHECK(report.record.counts.model_rows == expected.size());
    CHECK(receiver.records().size() == expected.size());
    CHECK(receiver.records() == expected);
  }
}

void crash_and_resume(const std::string& engine, const std::string& database) {
  const auto seed = std::random_device{}();
  std::printf("runner MariaDB crash test (%s engine) seed %u\n", engine.c_str(), seed);
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const std::string connection = test::mariadb_fresh_database(database);
  PeopleOptions options = long_names();
  options.long_name_every = 7;
  PeopleModel model(odbc::Connection::open(connection, "model"), 120, options);
  ModelReceiver receiver;
  SyncSettings settings;
  settings.engine = engine;
  settings.on_delete = "delete";
  settings.batch_size = 9;
  settings.bookkeeping_schema = database + "_bk";
  RunnerHarness harness("runner-mariadb-crash-" + engine, connection, "mysql", receiver.url(), settings);
  const test::CrashCampaign campaign = test::kill_randomly(harness, model, rng, 12);
  CHECK(campaign.kills >= 12);
  CHECK(receiver.records() == model.expected());
  auto db = state::StateDb::open(harness.state_dir() / "state");
  for (const auto& run : state::RunStore(*db).list("people_sync", 500)) CHECK(state::is_terminal(run.phase));
  CHECK(receiver.resent() <= static_cast<std::uint64_t>(campaign.kills_while_sending) * 9);
}

}  // namespace

TEST_CASE("runner MariaDB: local engine with long values keeps the receiver equal to the model", "[runner][mariadb]") {
  rounds("local", "runner_local");
}

TEST_CASE("runner MariaDB: warehouse engine with long values keeps the receiver equal to the model",
          "[runner][mariadb]") {
  rounds("warehouse", "runner_warehouse");
}

TEST_CASE("runner MariaDB: local engine runs killed at random points resume and converge", "[runner][mariadb][crash]") {
  crash_and_resume("local", "runner_crash_local");
}

TEST_CASE("runner MariaDB: warehouse engine runs killed at random points resume and converge",
          "[runner][mariadb][crash]") {
  crash_and_resume("warehouse", "runner_crash_warehouse");
}

TEST_CASE("runner MariaDB: a rejected record stays out of the commit and is retried on either engine",
          "[runner][mariadb]") {
  for (const std::string engine : {"local", "warehouse"}) {
    INFO("engine " << engine);
    const std::string database = "runner_rejected_" + engine;
    const std::string connection = test::mariadb_fresh_database(database);
    PeopleModel model(odbc::Connection::open(connection, "model"), 60, long_names());
    ModelReceiver receiver;
    SyncSettings settings;
    settings.engine = engine;
    settings.bookkeeping_schema = database + "_bk";
    RunnerHarness harness("runner-mariadb-rejected-" + engine, connection, "mysql", receiver.url(), settings);
    const std::string rejected = nlohmann::json({{"id", 34}}).dump();  // a long name (34 = 2 x 17)
    receiver.set_rejected({rejected});
    auto first = harness.run();
    INFO(first.record.error);
    REQUIRE(first.record.phase == RunPhase::Partial);  // 1 of 60 refused
    CHECK(first.record.counts.rejected == 1);
    CHECK(receiver.records().count(rejected) == 0);
    receiver.set_rejected({});
    auto second = harness.run();
    REQUIRE(second.record.phase == RunPhase::Succeeded);
    CHECK(second.record.counts.retried == 1);
    CHECK(second.record.counts.accepted == 1);
    CHECK(receiver.records() == model.expected());
    auto third = harness.run();
    CHECK(third.record.counts.sent == 0);
  }
}

TEST_CASE("MariaDB: the warehouse engine finds a unique key index on the model table and only that", "[mariadb][warehouse]") {
  const std::string connection = test::mariadb_fresh_database("unique_key_probe");
  auto conn = odbc::Connection::open(connection, "probe");
  conn.execute("CREATE TABLE with_pk (id INT PRIMARY KEY, email VARCHAR(64))");
  conn.execute("CREATE TABLE with_unique_email (id INT, email VARCHAR(64), UNIQUE KEY (email))");
  conn.execute("CREATE TABLE with_prefix (id TEXT, UNIQUE KEY (id(10)))");
  conn.execute("CREATE TABLE without_index (id INT, email VARCHAR(64))");
  auto unique = [&](const std::string& table) {
    diff::warehouse::DiffSqlInput input;
    input.dialect = Dialect::mysql;
    input.key_columns = input.key_config_names = {"id"};
    diff::warehouse::DiffSql sql(input);
    auto reader = conn.query(sql.probe_unique_key_index(quote_qualified(Dialect::mysql, "unique_key_probe." + table)));
    Row row;
    return reader.next(row);
  };
  CHECK(unique("with_pk"));
  CHECK_FALSE(unique("with_unique_email"));  // unique, but not on the key
  CHECK_FALSE(unique("with_prefix"));        // a prefix does not make the key unique
  CHECK_FALSE(unique("without_index"));
}
