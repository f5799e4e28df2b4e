// Run outcomes and safe default guards (docs/runner.md "Outcomes", "Guards"):
// a run is green only when every record it meant to deliver arrived, and
// an empty or shrunken model is stopped before it deletes anything.
#include <catch2/catch.hpp>

#include "service/runner/guard_check.h"
#include "service/runner/run_outcome.h"
#include "state/record_store.h"
#include "state/state_db.h"
#include "tests/runner_support.h"

using namespace backflow;
using backflow::test::ModelReceiver;
using backflow::test::PeopleModel;
using backflow::test::RunnerHarness;
using backflow::test::SyncSettings;
using state::RunPhase;

namespace {

state::RunCounts sent_counts(std::uint64_t accepted, std::uint64_t rejected, std::uint64_t undelivered,
                             std::uint64_t invalid = 0) {
  state::RunCounts c;
  c.accepted = accepted;
  c.rejected = rejected;
  c.undelivered = undelivered;
  c.invalid = invalid;
  c.sent = accepted + rejected + undelivered;
  return c;
}

diff::DiffCounts diffed(std::uint64_t rows_read, std::uint64_t added, std::uint64_t changed, std::uint64_t removed) {
  return diff::DiffCounts{rows_read, added, changed, removed, 0};
}

using OutcomeSetup = test::SqliteRunnerSetup;

std::string key(int id) { return nlohmann::json({{"id", id}}).dump(); }

}  // namespace

TEST_CASE("run outcome: succeeded only when every record was accepted", "[outcome]") {
  const config::RunOutcomePolicy policy;  // max_rejected_pct 10
  CHECK(runner::run_outcome(policy, sent_counts(0, 0, 0)).phase == RunPhase::Succeeded);  // nothing to send
  CHECK(runner::run_outcome(policy, sent_counts(50, 0, 0)).phase == RunPhase::Succeeded);

  auto one_rejected = runner::run_outcome(policy, sent_counts(99, 1, 0));
  CHECK(one_rejected.phase == RunPhase::Partial);
  CHECK(one_rejected.reason == "1 of 100 records were not accepted (1.0%: 1 rejected, 0 undelivered, 0 invalid)");

  // Exactly at the threshold is still partial; above it the run failed.
  CHECK(runner::run_outcome(policy, sent_counts(90, 10, 0)).phase == RunPhase::Partial);
  auto above = runner::run_outcome(policy, sent_counts(89, 11, 0));
  CHECK(above.phase == RunPhase::Failed);
  CHECK_THAT(above.reason, Catch::Contains("more than outcome.max_rejected_pct (10.0%)"));

  // Invalid records never reach the destination: they count as not accepted.
  CHECK(runner::run_outcome(policy, sent_counts(95, 0, 0, 5)).phase == RunPhase::Partial);
  CHECK(runner::run_outcome(policy, sent_counts(0, 0, 0, 3)).phase == RunPhase::Failed);

  // All rejected: failed by the threshold.
  CHECK(runner::run_outcome(policy, sent_counts(0, 400, 0)).phase == RunPhase::Failed);
}

TEST_CASE("run outcome: records that fail again make a run partial, not failed", "[outcome]") {
  const config::RunOutcomePolicy policy;
  // A run that only retries 51 known bad records, refused again.
  state::RunCounts retried = sent_counts(0, 51, 0);
  retried.failed_again = 51;
  auto again = runner::run_outcome(policy, retried);
  CHECK(again.phase == RunPhase::Partial);
  CHECK_THAT(again.reason, Catch::Contains("51 had failed before"));
  // New failures are judged among the records that had not failed before:
  // 2 new of 20 is 10%, partial; 3 new of 20 is 15%, failed.
  state::RunCounts mixed = sent_counts(18, 7, 0);
  mixed.failed_again = 5;
  CHECK(runner::run_outcome(policy, mixed).phase == RunPhase::Partial);
  mixed = sent_counts(17, 8, 0);
  mixed.failed_again = 5;
  auto failed = runner::run_outcome(policy, mixed);
  CHECK(failed.phase == RunPhase::Failed);
  CHECK_THAT(failed.reason, Catch::EndsWith("of the records that had not failed before"));
}

TEST_CASE("run outcome: undelivered records make a run partial, and failed when none arrived", "[outcome]") {
  config::RunOutcomePolicy lenient;
  lenient.max_rejected_pct = 100;
  auto some = runner::run_outcome(lenient, sent_counts(70, 0, 3));
  CHECK(some.phase == RunPhase::Partial);
  CHECK_THAT(some.reason, Catch::Contains("3 undelivered"));
  // Not even a lenient threshold makes a run whose records never arrived a partial one.
  auto none = runner::run_outcome(lenient, sent_counts(0, 0, 73));
  CHECK(none.phase == RunPhase::Failed);
  CHECK_THAT(none.reason, Catch::StartsWith("no record reached the destination: 73 of 73 records"));
}

TEST_CASE("default guards: an empty model and a large removal are blocked with no guard configured", "[outcome]") {
  const config::Guard none;
  auto empty = runner::guard_violation(none, diffed(0, 0, 0, 73));
  REQUIRE(empty.has_value());
  CHECK_THAT(*empty, Catch::Contains("0 rows while the last committed snapshot holds 73 records"));
  CHECK_THAT(*empty, Catch::Contains("guard.allow_empty"));

  auto half = runner::guard_violation(none, diffed(40, 0, 0, 60));
  REQUIRE(half.has_value());
  CHECK_THAT(*half, Catch::Contains("remove 60 of 100 records (60.0%), more than guard.max_removed_pct (50.0%, the default)"));
  CHECK_FALSE(runner::guard_violation(none, diffed(50, 0, 0, 50)).has_value());  // exactly half passes

  // Snapshots under 20 records are exempt from the default removal guard,
  // not from the empty-model guard.
  CHECK_FALSE(runner::guard_violation(none, diffed(2, 0, 0, 17)).has_value());
  CHECK(runner::guard_violation(none, diffed(0, 0, 0, 5)).has_value());
  // A first run (nothing committed) and an empty model that was empty before pass.
  CHECK_FALSE(runner::guard_violation(none, diffed(0, 0, 0, 0)).has_value());
}

TEST_CASE("guards: configured values override the defaults one field at a time", "[outcome]") {
  config::Guard allow;
  allow.allow_empty = true;
  CHECK_FALSE(runner::guard_violation(allow, diffed(0, 0, 0, 73)).has_value());

  config::Guard strict;
  strict.max_removed_pct = 5;  // an explicit percentage has no small-model exemption
  CHECK(runner::guard_violation(strict, diffed(9, 0, 0, 1)).has_value());
  CHECK(runner::guard_violation(strict, diffed(0, 0, 0, 10)).has_value());  // still no empty model

  config::Guard changes;
  changes.max_changed_pct = 25;
  auto rewritten = runner::guard_violation(changes, diffed(100, 0, 90, 0));
  REQUIRE(rewritten.has_value());
  CHECK_THAT(*rewritten, Catch::Contains("change 90 of 100 records (90.0%), more than guard.max_changed_pct (25.0%)"));
  CHECK_FALSE(runner::guard_violation(changes, diffed(100, 0, 25, 0)).has_value());
}

TEST_CASE("runner: one rejected record makes the run partial, exit code 4, counts told apart", "[outcome][runner]") {
  OutcomeSetup setup("outcome-partial", 30);
  auto harness = setup.harness();
  setup.receiver.set_rejected({key(7)});
  auto report = harness.run();
  CHECK(report.record.phase == RunPhase::Partial);
  CHECK(report.record.counts.accepted == 29);
  CHECK(report.record.counts.rejected == 1);
  CHECK(report.record.counts.undelivered == 0);
  CHECK(report.record.error_phase == "deliver");
  CHECK(report.record.error == "1 of 30 records were not accepted (3.3%: 1 rejected, 0 undelivered, 0 invalid)");

  setup.model.execute("update people set score = score + 1 where id <= 20");  // key 7 fails again: 1 of 20
  auto cli = harness.run_binary();
  INFO(cli.output);
  CHECK(cli.exit_code == 4);
  CHECK_THAT(cli.output, Catch::Contains("partial"));
  CHECK_THAT(cli.output, Catch::Contains("undelivered"));
  // Phases in the order the run went through them.
  std::size_t at = cli.output.find("phases    preflight ");
  for (const char* phase : {" snapshot ", " diff ", " guard ", " deliver ", " commit "}) {
    INFO(phase);
    const std::size_t next = cli.output.find(phase, at);
    CHECK((at != std::string::npos && next != std::string::npos));
    at = next;
  }
  // The summary starts on its own line (no progress line is left before it).
  CHECK(cli.output.rfind("sync people_sync  run ", 0) == 0);
  auto misspelt = test::run_command(test::shell_quote(test::backflow_binary().string()) + " run -c " +
                                    test::shell_quote(harness.config_file().string()) + " people_snyc");
  CHECK(misspelt.exit_code == 2);
  CHECK_THAT(misspelt.output, Catch::Contains("no sync named 'people_snyc' in"));
  CHECK_THAT(misspelt.output, Catch::Contains("(did you mean 'people_sync'?)"));

  setup.receiver.set_rejected({});
  auto fixed = harness.run();  // key 7 is retried and now accepted
  CHECK(fixed.record.phase == RunPhase::Succeeded);
  CHECK(fixed.record.error.empty());
  CHECK(setup.receiver.records() == setup.model.expected());
}

TEST_CASE("runner: a destination that is down fails the run, and the next run delivers everything", "[outcome][runner]") {
  OutcomeSetup setup("outcome-down", 25);
  auto harness = setup.harness();
  setup.receiver.set_unavailable(true);
  auto cli = harness.run_binary();
  INFO(cli.output);
  CHECK(cli.exit_code == 1);
  CHECK_THAT(cli.output, Catch::Contains("failed"));
  CHECK_THAT(cli.output, Catch::Contains("no record reached the destination: 25 of 25 records"));
  CHECK(setup.receiver.records().empty());

  setup.receiver.set_unavailable(false);
  auto report = harness.run();
  CHECK(report.record.phase == RunPhase::Succeeded);
  CHECK(report.record.counts.accepted == 25);
  CHECK(setup.receiver.records() == setup.model.expected());
}

TEST_CASE("runner: rejections above outcome.max_rejected_pct fail the run, a sync's own threshold is honoured",
          "[outcome][runner]") {
  OutcomeSetup setup("outcome-threshold", 40);
  std::set<std::string> rejected;
  for (int id = 1; id <= 8; ++id) rejected.insert(key(id));  // 20%
  setup.receiver.set_rejected(rejected);
  {
    auto harness = setup.harness();
    auto report = harness.run();
    CHECK(report.record.phase == RunPhase::Failed);
    CHECK(report.record.counts.rejected == 8);
    CHECK_THAT(report.record.error, Catch::Contains("8 of 40 records were not accepted (20.0%"));
    // The accepted records are committed: the next run sends only the failed ones.
    auto again = harness.run();
    CHECK(again.record.counts.sent == 8);
  }
  OutcomeSetup lenient("outcome-lenient", 40);
  lenient.receiver.set_rejected(rejected);
  SyncSettings settings;
  settings.outcome = "max_rejected_pct: 25";
  auto harness = lenient.harness(settings);
  CHECK(harness.run().record.phase == RunPhase::Partial);
}

TEST_CASE("runner: record_log all keeps accepted results beside the failures", "[outcome][runner]") {
  OutcomeSetup setup("outcome-record-log", 12);
  SyncSettings settings;
  settings.record_log = "all";
  auto harness = setup.harness(settings);
  setup.receiver.set_rejected({key(5)});
  auto report = harness.run();
  auto db = state::StateDb::open(harness.state_dir() / "state");
  state::RecordStore records(*db);
  CHECK(records.list(report.record.id, std::string("accepted"), 100).records.size() == 11);
  CHECK(records.list(report.record.id, std::string("rejected"), 100).records.size() == 1);
  auto accepted = records.find(report.record.id, "3");
  REQUIRE(accepted.has_value());
  CHECK(accepted->status == "accepted");

  OutcomeSetup plain("outcome-record-log-default", 12);
  auto default_harness = plain.harness();
  auto default_report = default_harness.run();
  auto default_db = state::StateDb::open(default_harness.state_dir() / "state");
  CHECK(state::RecordStore(*default_db).list(default_report.record.id, std::nullopt, 100).records.empty());
}

TEST_CASE("runner: an emptied model is blocked by default and allow_empty lets it through", "[outcome][runner]") {
  OutcomeSetup setup("outcome-empty", 30);
  SyncSettings settings;
  settings.on_delete = "delete";
  auto harness = setup.harness(settings);
  REQUIRE(harness.run().record.phase == RunPhase::Succeeded);
  setup.model.execute("delete from people");
  auto cli = harness.run_binary();
  INFO(cli.output);
  CHECK(cli.exit_code == 3);
  CHECK_THAT(cli.output, Catch::Contains("0 rows while the last committed snapshot holds 30 records"));
  CHECK(setup.receiver.records().size() == 30);  // nothing was deleted


  OutcomeSetup allowed("outcome-allowed", 30);
  settings.guard = "allow_empty: true";
  auto lets_through = allowed.harness(settings);
  REQUIRE(lets_through.run().record.phase == RunPhase::Succeeded);
  allowed.model.execute("delete from people");
  auto emptied = lets_through.run();
  CHECK(emptied.record.phase == RunPhase::Succeeded);
  CHECK(emptied.record.counts.removed == 30);
  CHECK(allowed.receiver.records().empty());
}
