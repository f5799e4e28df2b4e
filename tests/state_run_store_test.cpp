#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

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
