// End to end: a SQLite model, the runner, the webhook destination and a
// stateful receiver. After every run the receiver must hold the model.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <regex>
#include <thread>

#include "destinations/webhook/webhook_destination.h"
#include "service/config/config_loader.h"
#include "state/failure_store.h"
#include "state/record_store.h"
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

using SqliteSetup = test::SqliteRunnerSetup;

std::string key(int id) { return nlohmann::json({{"id", id}}).dump(); }

}  // namespace

TEST_CASE("runner SQLite: the receiver holds the model after every round of random changes", "[runner]") {
  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  SqliteSetup setup("runner-rounds", 120);
  SyncSettings settings;
  settings.on_delete = "delete";
  RunnerHarness harness = setup.harness(settings);

  auto first = harness.run();
  REQUIRE(first.record.phase == RunPhase::Succeeded);
  CHECK(first.record.counts.added == 120);
  CHECK(first.record.counts.accepted == 120);
  CHECK(setup.receiver.records() == setup.model.expected());

  for (int round = 0; round < 12; ++round) {
    setup.model.random_changes(rng);
    auto report = harness.run();
    INFO("round " << round << ": " << report.record.error);
    REQUIRE(report.record.phase == RunPhase::Succeeded);
    CHECK(report.record.counts.sent == report.record.counts.added + report.record.counts.changed + report.record.counts.removed);
    CHECK(setup.receiver.records() == setup.model.expected());
  }
  auto idle = harness.run();
  CHECK(idle.record.counts.sent == 0);
  CHECK(idle.record.checkpoint.changes_acked == 0);
}

TEST_CASE("runner SQLite: modes and on_delete options", "[runner]") {
  SECTION("insert creates and never updates or deletes") {
    SqliteSetup setup("runner-insert", 20);
    SyncSettings settings;
    settings.mode = "insert";
    auto harness = setup.harness(settings);
    REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
    auto before = setup.receiver.records();
    setup.model.execute("update people set score = 1000 where id = 3");
    setup.model.execute("delete from people where id = 4");
    setup.model.execute("insert into people values (500, 'late', 5)");
    auto report = harness.run();
    CHECK(report.record.counts.skipped == 2);
    CHECK(report.record.counts.sent == 1);
    auto held = setup.receiver.records();
    CHECK(held[key(3)] == before[key(3)]);
    CHECK(held.count(key(4)) == 1);
    CHECK(held[key(500)]["name"] == "late");
  }
  SECTION("mirror deletes what the sync sent") {
    SqliteSetup setup("runner-mirror", 20);
    SyncSettings settings;
    settings.mode = "mirror";
    auto harness = setup.harness(settings);
    REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
    setup.model.execute("delete from people where id in (1, 2)");
    auto report = harness.run();
    CHECK(report.record.counts.removed == 2);
    CHECK(setup.receiver.deletes_received() == 2);
    CHECK(setup.receiver.records() == setup.model.expected());
  }
  SECTION("on_delete clear nulls the mapped fields") {
    SqliteSetup setup("runner-clear", 10);
    SyncSettings settings;
    settings.on_delete = "clear";
    auto harness = setup.harness(settings);
    REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
    setup.model.execute("delete from people where id = 5");
    REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
    auto held = setup.receiver.records();
    REQUIRE(held.count(key(5)) == 1);
    CHECK(held[key(5)] == nlohmann::json({{"name", nullptr}, {"score", nullptr}}));
    CHECK(setup.receiver.deletes_received() == 0);
  }
  SECTION("on_delete nothing leaves the record and counts the removal as skipped") {
    SqliteSetup setup("runner-nothing", 10);
    auto harness = setup.harness();
    REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
    setup.model.execute("delete from people where id = 5");
    auto report = harness.run();
    CHECK(report.record.counts.removed == 1);
    CHECK(report.record.counts.skipped == 1);
    CHECK(report.record.counts.sent == 0);
    CHECK(setup.receiver.records().count(key(5)) == 1);
  }
  SECTION("append sends every row of every run") {
    SqliteSetup setup("runner-append", 15);
    SyncSettings settings;
    settings.mode = "append";
    auto harness = setup.harness(settings);
    auto first = harness.run();
    REQUIRE(first.record.phase == RunPhase::Succeeded);
    auto second = harness.run();
    REQUIRE(second.record.phase == RunPhase::Succeeded);
    CHECK(second.record.counts.sent == 15);
    CHECK(setup.receiver.records_received() == 30);
    CHECK(setup.receiver.records() == setup.model.expected());
  }
  SECTION("changed_fields sends only the fields that changed") {
    SqliteSetup setup("runner-changed-fields", 10);
    SyncSettings settings;
    settings.send = "changed_fields";
    auto harness = setup.harness(settings);
    REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
    setup.receiver.clear_log();
    setup.model.execute("update people set score = 999 where id = 2");
    REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
    auto bodies = setup.receiver.bodies();
    REQUIRE(bodies.size() == 1);
    CHECK(bodies[0]["records"][0]["fields"] == nlohmann::json({{"score", 999}}));
    CHECK(setup.receiver.records() == setup.model.expected());
  }
}

TEST_CASE("runner SQLite: a full resync re-sends everything and deletes nothing", "[runner]") {
  SqliteSetup setup("runner-resync", 30);
  SyncSettings settings;
  settings.on_delete = "delete";
  auto harness = setup.harness(settings);
  REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
  setup.model.execute("delete from people where id <= 3");
  auto report = harness.run(/*full_resync=*/true);
  REQUIRE(report.record.phase == RunPhase::Succeeded);
  CHECK(report.record.counts.removed == 0);
  CHECK(report.record.counts.added == 27);
  CHECK(setup.receiver.deletes_received() == 0);
  CHECK(setup.receiver.records().size() == 30);
}

TEST_CASE("runner SQLite: guards block the run and --force overrides them once", "[runner]") {
  SqliteSetup setup("runner-guard", 50);
  SyncSettings settings;
  settings.on_delete = "delete";
  settings.guard = "max_removed_pct: 10";
  auto harness = setup.harness(settings);
  REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
  setup.model.execute("delete from people where id <= 10");
  const auto held = setup.receiver.records();

  auto blocked = harness.run();
  CHECK(blocked.record.phase == RunPhase::Blocked);
  CHECK_THAT(blocked.record.error, Catch::Contains("max_removed_pct"));
  CHECK(setup.receiver.records() == held);
  auto cli = harness.run_binary();
  CHECK(cli.exit_code == 3);
  CHECK_THAT(cli.output, Catch::Contains("blocked"));

  auto forced = harness.run(false, false, /*force=*/true);
  CHECK(forced.record.phase == RunPhase::Succeeded);
  CHECK(setup.receiver.records() == setup.model.expected());

  SyncSettings min_rows;
  min_rows.guard = "min_rows: 1000";
  SqliteSetup small("runner-guard-min", 5);
  auto guarded = small.harness(min_rows);
  auto report = guarded.run();
  CHECK(report.record.phase == RunPhase::Blocked);
  CHECK(small.receiver.records().empty());
}

TEST_CASE("runner SQLite: a dry run sends nothing, commits nothing and leaves no state", "[runner]") {
  SqliteSetup setup("runner-dry", 12);
  auto harness = setup.harness();
  auto cli = harness.run_binary("--dry-run");
  INFO(cli.output);
  CHECK(cli.exit_code == 0);
  CHECK_THAT(cli.output, Catch::Contains("upsert 12"));
  CHECK_THAT(cli.output, Catch::Contains("\"fields\""));
  CHECK(setup.receiver.records().empty());
  CHECK_FALSE(std::filesystem::exists(harness.state_dir()));

  REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
  setup.model.execute("update people set score = 500 where id = 1");
  auto dry = harness.run(false, /*dry_run=*/true);
  CHECK(dry.dry_run_ops["upsert"] == 1);
  auto real = harness.run();
  CHECK(real.record.counts.changed == 1);  // the dry run committed nothing
  {
    auto db = state::StateDb::open(harness.state_dir() / "state");
    CHECK(state::RunStore(*db).list("people_sync", 10).size() == 2);
  }
}

TEST_CASE("runner SQLite: a dry run with --output writes every change, beyond the printed sample", "[runner]") {
  SqliteSetup setup("runner-dry-output", 40);
  SyncSettings settings;
  settings.on_delete = "delete";
  auto harness = setup.harness(settings);
  REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
  setup.model.execute("update people set score = score + 1000 where id <= 12");
  setup.model.execute("delete from people where id = 40");
  const std::filesystem::path file = harness.dir() / "changes.jsonl";
  auto cli = harness.run_binary("--dry-run --output " + test::shell_quote(file.string()));
  INFO(cli.output);
  REQUIRE(cli.exit_code == 0);
  CHECK_THAT(cli.output, Catch::Contains("every change is in"));
  std::ifstream in(file);
  std::map<std::string, nlohmann::json> changes;
  for (std::string line; std::getline(in, line);) {
    auto change = nlohmann::json::parse(line);
    changes[change["key"].dump()] = change;
  }
  CHECK(changes.size() == 13);  // 12 changed and 1 delete: not capped at the 5 printed
  CHECK(changes.at(key(3))["op"] == "upsert");
  CHECK(changes.at(key(3))["fields"]["score"] == setup.model.expected().at(key(3))["score"]);
  CHECK(changes.at(key(40))["op"] == "delete");
  CHECK_FALSE(changes.at(key(40)).contains("fields"));
  CHECK(setup.receiver.records().count(key(40)) == 1);  // nothing was sent

  auto without = harness.run_binary("--output " + test::shell_quote(file.string()));
  CHECK(without.exit_code == 2);
  CHECK_THAT(without.output, Catch::Contains("--output writes a dry run's changes; add --dry-run"));
}

TEST_CASE("runner SQLite: rejected records are retried, dead after max attempts, delivered once accepted", "[runner]") {
  SqliteSetup setup("runner-rejects", 20);
  SyncSettings settings;
  settings.max_attempts = 3;
  auto harness = setup.harness(settings);
  setup.receiver.set_rejected({key(4), key(9)});

  auto first = harness.run();
  REQUIRE(first.record.phase == RunPhase::Partial);  // 2 of 20: within outcome.max_rejected_pct
  CHECK(first.record.counts.rejected == 2);
  REQUIRE(first.failures.size() == 2);
  CHECK(first.failures[0].message.find("refused by the test receiver") != std::string::npos);

  // Retried although unchanged; key 9 is accepted now.
  setup.receiver.set_rejected({key(4)});
  auto second = harness.run();
  CHECK(second.record.counts.retried == 2);
  CHECK(second.record.counts.rejected == 1);
  CHECK(second.record.counts.failed_again == 1);
  CHECK(second.record.phase == RunPhase::Partial);  // a known failure, not a new one
  CHECK(setup.receiver.records().count(key(9)) == 1);

  auto third = harness.run();  // third failure of key 4: dead
  CHECK(third.record.counts.rejected == 1);
  CHECK(third.record.counts.dead == 1);
  CHECK_THAT(third.record.error, Catch::Contains("1 now dead after retry.max_attempts"));
  REQUIRE(third.failures.size() == 1);
  CHECK(third.failures[0].status == "dead");
  auto fourth = harness.run();
  CHECK(fourth.record.counts.sent == 0);  // dead records wait

  setup.receiver.set_rejected({});
  setup.model.execute("update people set score = 77 where id = 4");  // the row changes: sent again
  auto fifth = harness.run();
  CHECK(fifth.record.counts.sent == 1);
  CHECK(setup.receiver.records() == setup.model.expected());
  auto db = state::StateDb::open(harness.state_dir() / "state");
  CHECK_FALSE(state::FailureStore(*db).find("people_sync", "4").has_value());
  CHECK_FALSE(state::FailureStore(*db).find("people_sync", "9").has_value());
}

TEST_CASE("runner SQLite: webhook records carry the mode's op and the sync's object, events their name and time",
          "[runner][webhook]") {
  // Every op of every body the receiver got, in order.
  auto ops_of = [](const ModelReceiver& receiver) {
    std::vector<std::string> ops;
    for (const auto& body : receiver.bodies()) {
      CHECK(body["object"] == "people");
      for (const auto& record : body["records"]) ops.push_back(record["op"]);
    }
    return ops;
  };
  for (const std::string mode : {"insert", "update", "upsert", "mirror"}) {
    INFO("mode " << mode);
    SqliteSetup setup("runner-webhook-" + mode, 3);
    SyncSettings settings;
    settings.mode = mode;
    if (mode == "update" || mode == "upsert") settings.on_delete = "delete";
    settings.destination_keys = "object: people, event_name: ignored_outside_append";
    auto harness = setup.harness(settings);
    REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
    const std::string op = mode == "mirror" ? "upsert" : mode;
    CHECK(ops_of(setup.receiver) == std::vector<std::string>{op, op, op});
    for (const auto& body : setup.receiver.bodies()) {
      for (const auto& record : body["records"]) CHECK_FALSE(record.contains("event_name"));
    }
    if (mode == "insert") continue;  // never deletes
    setup.receiver.clear_log();
    setup.model.execute("delete from people where id = 2");
    REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
    CHECK(ops_of(setup.receiver) == std::vector<std::string>{"delete"});
  }

  SqliteSetup setup("runner-webhook-append", 3);
  SyncSettings settings;
  settings.mode = "append";
  settings.destination_keys = "object: people, event_name: person_seen";
  auto harness = setup.harness(settings);
  auto report = harness.run();
  REQUIRE(report.record.phase == RunPhase::Succeeded);
  CHECK(ops_of(setup.receiver) == std::vector<std::string>{"event", "event", "event"});
  const std::string timestamp = destinations::WebhookDestination::utc_timestamp(report.record.started_at_ms);
  CHECK(std::regex_match(timestamp, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  for (const auto& body : setup.receiver.bodies()) {
    for (const auto& record : body["records"]) {
      CHECK(record["event_name"] == "person_seen");
      CHECK(record["timestamp"] == timestamp);
      CHECK(record["fields"].contains("name"));
    }
  }
}

TEST_CASE("runner SQLite: each sync's retention purges its own old runs and record results, no other sync's",
          "[runner][retention]") {
  SqliteSetup setup("runner-retention", 10);
  setup.receiver.set_rejected({key(4)});  // every run keeps a record result for key 4
  const auto dir = test::make_temp_dir("runner-retention-config");
  {
    std::ofstream out(dir / "backflow.yaml");
    out << "version: 1\nstate_dir: " << (dir / "state").string() << "\n"
        << "warehouses:\n  model: { connection: " << nlohmann::json(setup.connection).dump() << ", dialect: sqlite }\n"
        << "destinations:\n  hook: { type: webhook, url: \"" << setup.receiver.url() << "\" }\n"
        << "syncs:\n";
    for (const auto& [name, retention] : {std::pair{"brief", "1s"}, std::pair{"lasting", "30d"}}) {
      out << "  " << name << ":\n"
          << "    source: { warehouse: model, table: people, primary_key: id }\n"
          << "    destination: { name: hook, mode: upsert }\n"
          << "    mapping: { name: name, score: score }\n"
          << "    retry: { max_attempts: 10 }\n"
          << "    retention: " << retention << "\n";
    }
  }
  const config::Config config = config::load_config_or_throw(dir / "backflow.yaml");
  auto db = state::StateDb::open(dir / "state" / "state");
  auto run = [&](const std::string& sync) {
    runner::SyncRunner sync_runner(config, dir / "state", db.get());
    runner::RunRequest request;
    request.sync = sync;
    auto report = sync_runner.run(request);
    INFO(sync << ": " << report.record.error);
    REQUIRE(state::is_terminal(report.record.phase));
    REQUIRE(report.record.counts.rejected == 1);
    return report.record.id;
  };
  const std::string brief_1 = run("brief"), brief_2 = run("brief");
  const std::string lasting_1 = run("lasting"), lasting_2 = run("lasting");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // brief's retention passes
  const std::string brief_3 = run("brief");
  const std::string lasting_3 = run("lasting");

  state::RunStore runs(*db);
  state::RecordStore records(*db);
  std::vector<std::string> brief_ids, lasting_ids;
  for (const auto& r : runs.list("brief", 100)) brief_ids.push_back(r.id);
  for (const auto& r : runs.list("lasting", 100)) lasting_ids.push_back(r.id);
  // brief: its first run is gone with its record results; the second stays
  // (it was the newest finished run when the third started).
  CHECK(brief_ids == std::vector<std::string>{brief_3, brief_2});
  CHECK_FALSE(runs.get(brief_1));
  CHECK_FALSE(records.find(brief_1, "4"));
  CHECK(records.find(brief_2, "4"));
  CHECK(records.find(brief_3, "4"));
  // lasting: as old, but kept for its 30 days.
  CHECK(lasting_ids == std::vector<std::string>{lasting_3, lasting_2, lasting_1});
  for (const auto& id : lasting_ids) CHECK(records.find(id, "4"));
}

TEST_CASE("runner SQLite: a second process is refused with the holder named", "[runner]") {
  SqliteSetup setup("runner-concurrent", 5);
  auto harness = setup.harness();
  REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
  auto held = state::StateDb::open(harness.state_dir() / "state");
  auto second = harness.run_binary();
  CHECK(second.exit_code == 1);
  CHECK_THAT(second.output, Catch::Contains("pid"));
}

TEST_CASE("runner SQLite: a model that fails mid-read fails the run cleanly and the next run succeeds", "[runner]") {
  SqliteSetup setup("runner-model-loss", 300);
  setup.model.execute("create table flags (bad integer)");
  setup.model.execute("insert into flags values (250)");
  SyncSettings settings;
  // Row 250 raises "integer overflow" while the snapshot streams.
  settings.source =
      "query: \"select id, name, case when id = (select bad from flags) then abs(-9223372036854775807 - 1) else score "
      "end as score from people\"";
  auto harness = setup.harness(settings);
  auto failed = harness.run();
  CHECK(failed.record.phase == RunPhase::Failed);
  CHECK(failed.record.error_phase == "snapshot");
  CHECK(setup.receiver.records().empty());
  setup.model.execute("update flags set bad = -1");
  auto next = harness.run();
  CHECK(next.record.phase == RunPhase::Succeeded);
  CHECK(next.record.counts.added == 300);
  CHECK(setup.receiver.records() == setup.model.expected());
}

namespace {

// Kills `backflow run` at 50 random points, then checks that the receiver
// holds exactly the model, that every run ended, and that only batches in
// flight at a kill were sent twice: acknowledged ones never.
void crash_and_resume(const std::string& engine) {
  const auto seed = std::random_device{}();
  std::printf("runner crash test (%s engine) seed %u\n", engine.c_str(), seed);
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  SqliteSetup setup("runner-crash-" + engine, 200);
  SyncSettings settings;
  settings.engine = engine;
  settings.on_delete = "delete";
  settings.batch_size = 7;
  auto harness = setup.harness(settings);
  const test::CrashCampaign campaign = test::kill_randomly(harness, setup.model, rng, 50);
  CHECK(campaign.kills >= 50);
  CHECK(setup.receiver.records() == setup.model.expected());
  auto db = state::StateDb::open(harness.state_dir() / "state");
  for (const auto& run : state::RunStore(*db).list("people_sync", 500)) {
    CHECK(state::is_terminal(run.phase));
    // Killed after its diff, a run is resumed, not started over.
    CHECK_THAT(run.error, !Catch::Contains("in phase guard") && !Catch::Contains("in phase deliver") &&
                              !Catch::Contains("in phase commit"));
  }
  // At most the in-flight batch (7 records) per kill while sending.
  INFO("kills while sending " << campaign.kills_while_sending);
  CHECK(setup.receiver.resent() <= static_cast<std::uint64_t>(campaign.kills_while_sending) * 7);
  CHECK(setup.receiver.repeated_in_run() <= static_cast<std::uint64_t>(campaign.kills_while_sending) * 7);
}

}  // namespace

TEST_CASE("runner SQLite: append runs killed at random points never reuse an idempotency key for new content",
          "[runner][crash][hostile]") {
  const auto seed = std::random_device{}();
  std::printf("runner append crash test seed %u\n", seed);
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  SqliteSetup setup("runner-crash-append", 120);
  SyncSettings settings;
  settings.mode = "append";
  settings.batch_size = 7;
  auto harness = setup.harness(settings);
  const test::CrashCampaign campaign = test::kill_randomly(harness, setup.model, rng, 20);
  CHECK(campaign.kills >= 20);
  // An idempotent receiver drops a repeated key: a restarted run must never
  // send new content under a key it used before.
  CHECK(setup.receiver.idempotency_conflicts() == 0);
  // Append never deletes: every model row arrived with its latest values.
  const auto held = setup.receiver.records();
  for (const auto& [key, fields] : setup.model.expected()) {
    INFO(key);
    REQUIRE(held.count(key) == 1);
    CHECK(held.at(key) == fields);
  }
}

TEST_CASE("runner SQLite: local engine killed at random points resumes, the receiver ends equal to the model",
          "[runner][crash]") {
  crash_and_resume("local");
}

TEST_CASE("runner SQLite: warehouse engine killed at random points resumes, the receiver ends equal to the model",
          "[runner][crash]") {
  crash_and_resume("warehouse");
}

TEST_CASE("validate --check-sources reports an unknown mapped column at its entry with a suggestion", "[runner][cli]") {
  SqliteSetup setup("runner-check-sources", 3);
  auto harness = setup.harness();
  std::string text;
  {
    std::ifstream in(harness.config_file());
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto ok = test::run_command(test::shell_quote(test::backflow_binary().string()) + " validate --check-sources -c " +
                              test::shell_quote(harness.config_file().string()));
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.output, Catch::Contains("sources OK"));

  const std::string from = "score: score";
  text.replace(text.find(from), from.size(), "score: scroe");
  {
    std::ofstream out(harness.config_file());
    out << text;
  }
  auto bad = test::run_command(test::shell_quote(test::backflow_binary().string()) + " validate --check-sources -c " +
                               test::shell_quote(harness.config_file().string()));
  INFO(bad.output);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("backflow.yaml:21:7: error: syncs.people_sync.mapping.score"));
  CHECK_THAT(bad.output, Catch::Contains("score"));
}

TEST_CASE("validate --check-sources names an unreachable warehouse without its password", "[runner][cli]") {
  SqliteSetup setup("runner-unreachable", 1);
  RunnerHarness harness("runner-unreachable-cfg", "Driver=/nonexistent/driver.so;Pwd=sekrit;", "postgres",
                        setup.receiver.url());
  auto result = test::run_command(test::shell_quote(test::backflow_binary().string()) +
                                  " validate --check-sources -c " + test::shell_quote(harness.config_file().string()));
  INFO(result.output);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.output, Catch::Contains("warehouses.model: cannot connect"));
  CHECK(result.output.find("sekrit") == std::string::npos);
  auto run = harness.run_binary();
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("sekrit") == std::string::npos);
}

TEST_CASE("status shows the last runs and failing records of a sync", "[runner][cli]") {
  SqliteSetup setup("runner-status", 6);
  auto harness = setup.harness();
  setup.receiver.set_rejected({key(2)});
  REQUIRE(harness.run().record.phase == RunPhase::Failed);  // 1 of 6 refused: above outcome.max_rejected_pct
  const std::string status = test::shell_quote(test::backflow_binary().string()) + " status -c " +
                             test::shell_quote(harness.config_file().string());
  auto text = test::run_command(status);
  INFO(text.output);
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.output, Catch::Contains("people_sync  failed  failing records 1, dead 0"));
  CHECK_THAT(text.output, Catch::Contains("run-00000001"));
  auto json = test::run_command(status + " --json people_sync");
  REQUIRE(json.exit_code == 0);
  auto parsed = nlohmann::json::parse(json.output);
  CHECK(parsed[0]["failing_records"] == 1);
  CHECK(parsed[0]["runs"][0]["counts"]["rejected"] == 1);
}
