#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "state/record_store.h"
#include "state/run_store.h"
#include "tests/support/test_env.h"

using namespace backflow::state;

TEST_CASE("run store persists runs across reopen, newest first per sync", "[state]") {
  auto dir = backflow::test::make_temp_dir("runstore");
  std::string first_id;
  {
    auto db = StateDb::open(dir);
    RunStore store(*db);
    RunRecord a = store.create("contacts", RunTrigger::Manual, false, false, 1000);
    RunRecord b = store.create("accounts", RunTrigger::Schedule, false, false, 1001);
    RunRecord c = store.create("contacts", RunTrigger::Api, true, true, 1002);
    first_id = a.id;
    CHECK(a.id < c.id);
    a.phase = RunPhase::Succeeded;
    a.counts.added = 42;
    a.phase_ms["snapshot"] = 17;
    store.save(a);
    c.phase = RunPhase::Deliver;
    c.checkpoint.batches_acked = 3;
    store.save(c);
    (void)b;
  }
  auto db = StateDb::open(dir);
  RunStore store(*db);
  auto contacts = store.list("contacts", 10);
  REQUIRE(contacts.size() == 2);
  CHECK(contacts[0].trigger == RunTrigger::Api);
  CHECK(contacts[0].full_resync);
  CHECK(contacts[1].id == first_id);
  CHECK(contacts[1].counts.added == 42);
  CHECK(contacts[1].phase_ms.at("snapshot") == 17);

  auto resumable = store.unfinished("contacts");
  REQUIRE(resumable);
  CHECK(resumable->phase == RunPhase::Deliver);
  CHECK(resumable->checkpoint.batches_acked == 3);
  CHECK_FALSE(store.unfinished("accounts") == std::nullopt);  // still queued

  auto older = store.list("contacts", 10, contacts[0].id);
  REQUIRE(older.size() == 1);
  CHECK(older[0].id == first_id);

  // Ids keep increasing after a reopen.
  RunRecord d = store.create("contacts", RunTrigger::Manual, false, false, 2000);
  CHECK(d.id > contacts[0].id);
  CHECK(store.list("nosuchsync", 5).empty());
}

TEST_CASE("sync names that prefix each other do not share runs", "[state]") {
  auto dir = backflow::test::make_temp_dir("runstore-prefix");
  auto db = StateDb::open(dir);
  RunStore store(*db);
  store.create("a", RunTrigger::Manual, false, false, 1);
  store.create("ab", RunTrigger::Manual, false, false, 2);
  store.create(std::string("a\0b", 3), RunTrigger::Manual, false, false, 3);
  CHECK(store.list("a", 10).size() == 1);
  CHECK(store.list("ab", 10).size() == 1);
}

// Run in a child process by the next test: opens the state database named by
// BACKFLOW_TEST_LOCK_DIR and prints what happened. A fresh process (exec),
// not a fork: a fork of this multithreaded binary can inherit a lock held by
// another thread (RocksDB's background threads) and hang.
namespace {

RunRecord finished(RunStore& store, const std::string& sync, std::int64_t started_ms, RunPhase phase) {
  RunRecord run = store.create(sync, RunTrigger::Schedule, false, false, started_ms);
  run.phase = phase;
  run.ended_at_ms = started_ms + 10;
  store.save(run);
  return run;
}

std::vector<std::string> ids_of(const std::vector<RunRecord>& runs) {
  std::vector<std::string> ids;
  for (const auto& run : runs) ids.push_back(run.id);
  return ids;
}

}  // namespace

TEST_CASE("retention purges one sync's old finished runs with their record results, never another sync's",
          "[state][retention]") {
  auto db = StateDb::open(backflow::test::make_temp_dir("run-retention"));
  RunStore store(*db);
  RecordStore records(*db);
  auto with_result = [&](const RunRecord& run) {
    records.add(run.id, run.started_at_ms, {{"7", "added", "rejected", 400, "email is invalid"}}, true);
  };
  // contacts: old runs of every kind, then recent ones.
  RunRecord interrupted = store.create("contacts", RunTrigger::Schedule, false, false, 1000);
  interrupted.phase = RunPhase::Deliver;
  store.save(interrupted);
  with_result(interrupted);
  RunRecord old_success = finished(store, "contacts", 1100, RunPhase::Succeeded);
  RunRecord old_failure = finished(store, "contacts", 1200, RunPhase::Failed);
  with_result(old_failure);
  RunRecord old_blocked = finished(store, "contacts", 1300, RunPhase::Blocked);
  RunRecord recent = finished(store, "contacts", 5000, RunPhase::Succeeded);
  with_result(recent);
  // accounts: as old, under its own (longer) retention.
  RunRecord accounts_old = finished(store, "accounts", 1150, RunPhase::Failed);
  with_result(accounts_old);
  RunRecord accounts_new = finished(store, "accounts", 1250, RunPhase::Succeeded);

  CHECK(store.purge_finished_before("contacts", 4000) == 3);
  // The unfinished run stays (it is resumed with its results), the recent one too.
  CHECK(ids_of(store.list("contacts", 100)) == std::vector<std::string>{recent.id, interrupted.id});
  CHECK_FALSE(store.get(old_success.id));
  CHECK_FALSE(store.get(old_failure.id));
  CHECK_FALSE(store.get(old_blocked.id));
  CHECK_FALSE(records.find(old_failure.id, "7"));
  CHECK(records.list(old_failure.id, std::string("rejected"), 10).records.empty());
  CHECK(records.find(interrupted.id, "7"));
  CHECK(records.find(recent.id, "7"));
  // Nothing of accounts went, though its runs are as old.
  CHECK(ids_of(store.list("accounts", 100)) == std::vector<std::string>{accounts_new.id, accounts_old.id});
  CHECK(records.find(accounts_old.id, "7"));

  // Everything of accounts is past its retention: its newest finished run stays.
  CHECK(store.purge_finished_before("accounts", 9000) == 1);
  CHECK(ids_of(store.list("accounts", 100)) == std::vector<std::string>{accounts_new.id});
  CHECK_FALSE(records.find(accounts_old.id, "7"));
  CHECK(store.purge_finished_before("accounts", 9000) == 0);
}

TEST_CASE("retention keeps the newest run with a verdict and the newest success behind newer cancelled runs",
          "[state][retention]") {
  auto db = StateDb::open(backflow::test::make_temp_dir("run-retention-keep"));
  RunStore store(*db);
  finished(store, "contacts", 1000, RunPhase::Succeeded);
  RunRecord success = finished(store, "contacts", 1100, RunPhase::Succeeded);
  RunRecord failure = finished(store, "contacts", 1200, RunPhase::Failed);
  finished(store, "contacts", 1250, RunPhase::Cancelled);
  RunRecord cancelled = finished(store, "contacts", 1300, RunPhase::Cancelled);

  CHECK(store.purge_finished_before("contacts", 9000) == 2);
  // The last run shown, the health verdict (failing) and the last success.
  CHECK(ids_of(store.list("contacts", 100)) == std::vector<std::string>{cancelled.id, failure.id, success.id});
}

TEST_CASE("state lock probe", "[.state-lock-probe]") {
  const char* dir = std::getenv("BACKFLOW_TEST_LOCK_DIR");
  if (dir == nullptr) return;
  try {
    StateDb::open(dir);
    std::cout << "PROBE: opened\n";
  } catch (const StateError& e) {
    std::cout << "PROBE: " << e.what() << "\n";
  }
}

TEST_CASE("a second process cannot open a held state database and is told who holds it", "[state]") {
  auto dir = backflow::test::make_temp_dir("runstore-lock");
  auto db = StateDb::open(dir);
  const auto self = std::filesystem::read_symlink("/proc/self/exe");
  auto probe = backflow::test::run_command("BACKFLOW_TEST_LOCK_DIR=" + backflow::test::shell_quote(dir.string()) + " " +
                                           backflow::test::shell_quote(self.string()) + " '[.state-lock-probe]'");
  INFO(probe.output);
  CHECK(probe.output.find("PROBE: ") != std::string::npos);
  CHECK(probe.output.find("is held by another backflow process (pid " + std::to_string(::getpid()) + ")") !=
        std::string::npos);
}
