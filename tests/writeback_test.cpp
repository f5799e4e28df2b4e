// Warehouse writeback (docs/writeback.md): after real runs against a
// webhook receiver, sync_runs and sync_changelog in SQLite and PostgreSQL
// hold exactly the run's counts and each record's status.
#include <catch2/catch.hpp>

#include <map>

#include "service/config/config_loader.h"
#include "tests/odbc_test_helpers.h"
#include "tests/runner_support.h"

namespace backflow {
namespace {

using state::RunPhase;

std::string key(int id) { return nlohmann::json({{"id", id}}).dump(); }

// status -> rows of one run in the changelog.
std::map<std::string, std::int64_t> changelog_statuses(odbc::Connection& logs, const std::string& table,
                                                       const std::string& run_id) {
  std::map<std::string, std::int64_t> out;
  for (const Row& row : test::read_all(logs, "select status, count(*) from " + table +
                                                  " where sync_name = 'people_sync' and run_id = ? group by status",
                                       {Value::text(run_id)})) {
    out[row[0].as_text()] = std::stoll(row[1].to_display());
  }
  return out;
}

std::int64_t number(const Value& v) { return std::stoll(v.to_display()); }

// Runs the three-run story against a logs warehouse and checks both tables.
void check_story(test::SqliteRunnerSetup& setup, const std::string& logs_connection, const std::string& logs_dialect,
                 const std::string& runs_table, const std::string& changelog_table, const std::string& schema) {
  test::SyncSettings settings;
  settings.logs_connection = logs_connection;
  settings.logs_dialect = logs_dialect;
  settings.writeback = "warehouse: logs, schema: " + schema;
  auto harness = setup.harness(settings);
  setup.receiver.set_rejected({key(7)});

  auto first = harness.run();
  REQUIRE(first.record.phase == RunPhase::Partial);
  auto logs = odbc::Connection::open(logs_connection, "logs");
  auto run_row = test::read_all(logs, "select status, run_trigger, accepted, rejected, undelivered, sent, rows_read, "
                                      "finished_at from " + runs_table + " where run_id = ?",
                                {Value::text(first.record.id)});
  REQUIRE(run_row.size() == 1);
  CHECK(run_row[0][0].as_text() == "partial");
  CHECK(run_row[0][1].as_text() == "manual");
  CHECK(number(run_row[0][2]) == 29);
  CHECK(number(run_row[0][3]) == 1);
  CHECK(number(run_row[0][4]) == 0);
  CHECK(number(run_row[0][5]) == 30);
  CHECK(number(run_row[0][6]) == 30);
  CHECK_FALSE(run_row[0][7].is_null());
  CHECK(changelog_statuses(logs, changelog_table, first.record.id) ==
        std::map<std::string, std::int64_t>{{"accepted", 29}, {"rejected", 1}});
  auto rejected = test::read_all(logs, "select record_key, op, attempt, message from " + changelog_table +
                                           " where run_id = ? and status = 'rejected'",
                                 {Value::text(first.record.id)});
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0][0].as_text() == key(7));
  CHECK(rejected[0][1].as_text() == "added");
  CHECK(number(rejected[0][2]) == 1);
  CHECK_FALSE(rejected[0][3].as_text().empty());

  // The retry: only the rejected record is sent again, its second attempt.
  auto second = harness.run();
  CHECK(second.record.counts.sent == 1);
  auto retried = test::read_all(logs, "select status, attempt from " + changelog_table + " where run_id = ?",
                                {Value::text(second.record.id)});
  REQUIRE(retried.size() == 1);
  CHECK(retried[0][0].as_text() == "rejected");
  CHECK(number(retried[0][1]) == 2);

  // The destination is down: every change is undelivered, the run failed.
  setup.receiver.set_rejected({});
  setup.receiver.set_unavailable(true);
  setup.model.execute("update people set score = score + 100 where id in (1, 2, 3)");
  auto third = harness.run();
  CHECK(third.record.phase == RunPhase::Failed);
  auto third_row = test::read_all(logs, "select status, undelivered, error from " + runs_table + " where run_id = ?",
                                  {Value::text(third.record.id)});
  REQUIRE(third_row.size() == 1);
  CHECK(third_row[0][0].as_text() == "failed");
  CHECK(number(third_row[0][1]) == static_cast<std::int64_t>(third.record.counts.undelivered));
  CHECK_FALSE(third_row[0][2].as_text().empty());
  CHECK(changelog_statuses(logs, changelog_table, third.record.id) ==
        std::map<std::string, std::int64_t>{{"undelivered", static_cast<std::int64_t>(third.record.counts.undelivered)}});
  CHECK(number(test::read_one(logs, "select count(*) from " + runs_table)) == 3);
}

}  // namespace

TEST_CASE("writeback to SQLite: sync_runs and sync_changelog hold each run's counts and records", "[writeback][runner]") {
  test::SqliteRunnerSetup setup("writeback-sqlite", 30);
  const std::string logs = test::sqlite_connection_string(setup.dir / "logs.db");
  check_story(setup, logs, "sqlite", "\"sync_logs__sync_runs\"", "\"sync_logs__sync_changelog\"", "sync_logs");
}

TEST_CASE("writeback to PostgreSQL: sync_runs and sync_changelog hold each run's counts and records",
          "[writeback][runner][pg]") {
  auto admin = odbc::Connection::open(test::pg_connection_string(), "admin");
  admin.execute("drop database if exists writeback_test");
  admin.execute("create database writeback_test");
  std::string logs = test::pg_connection_string();
  const std::string from = "Database=postgres";
  logs.replace(logs.find(from), from.size(), "Database=writeback_test");
  test::SqliteRunnerSetup setup("writeback-pg", 30);
  check_story(setup, logs, "postgres", "sync_logs.sync_runs", "sync_logs.sync_changelog", "sync_logs");
}

TEST_CASE("writeback: a log that cannot be written fails the run before anything is sent", "[writeback][runner]") {
  test::SqliteRunnerSetup setup("writeback-unwritable", 5);
  test::SyncSettings settings;
  settings.logs_connection = test::sqlite_connection_string(setup.dir / "missing-dir" / "logs.db");
  settings.logs_dialect = "sqlite";
  settings.writeback = "warehouse: logs";
  auto harness = setup.harness(settings);
  auto report = harness.run();
  CHECK(report.record.phase == RunPhase::Failed);
  CHECK(report.record.error_phase == "preflight");
  CHECK_THAT(report.record.error, Catch::Contains("warehouse writeback of sync 'people_sync' to warehouse 'logs'"));
  CHECK_THAT(report.record.error, Catch::Contains("nothing was sent"));
  CHECK(setup.receiver.records_received() == 0);
}

TEST_CASE("writeback config: a top-level default, a sync's own, false, and unknown warehouses", "[writeback][config]") {
  const std::string head =
      "version: 1\nwarehouses:\n  a: { connection: \"Driver=SQLite3;Database=a.db\", dialect: sqlite }\n"
      "  b: { connection: \"Driver=SQLite3;Database=b.db\", dialect: sqlite, bookkeeping_schema: bk }\n"
      "destinations:\n  hook: { type: webhook, url: \"http://127.0.0.1:1/\" }\n";
  const std::string sync_body = "source: { warehouse: a, table: t, primary_key: id }\n    destination: { name: hook, "
                                "mode: upsert }\n    mapping: { x: x }\n";
  auto result = config::load_config_text(head + "writeback: { warehouse: b }\nsyncs:\n  one:\n    " + sync_body +
                                             "  two:\n    " + sync_body + "    writeback: false\n  three:\n    " +
                                             sync_body + "    writeback: { warehouse: a, schema: logs }\n",
                                         "w.yaml");
  REQUIRE(result.ok());
  const config::Config& c = *result.config;
  REQUIRE(c.find_sync("one")->writeback.has_value());
  CHECK(c.find_sync("one")->writeback->warehouse == "b");
  CHECK(c.find_sync("one")->writeback->schema == "bk");  // the warehouse's bookkeeping_schema
  CHECK_FALSE(c.find_sync("two")->writeback.has_value());
  CHECK(c.find_sync("three")->writeback->schema == "logs");

  auto bad = config::load_config_text(head + "syncs:\n  one:\n    " + sync_body + "    writeback: { warehouse: bb }\n",
                                      "w.yaml");
  REQUIRE_FALSE(bad.ok());
  REQUIRE(bad.diagnostics.size() == 1);
  CHECK_THAT(config::format_diagnostic(bad.diagnostics[0]),
             Catch::Contains("syncs.one.writeback.warehouse: unknown warehouse 'bb'"));
  CHECK(bad.diagnostics[0].suggestion == "b");
}

}  // namespace backflow
