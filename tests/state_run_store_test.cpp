#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

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

TEST_CASE("a second process cannot open a held state database and is told who holds it", "[state]") {
  auto dir = backflow::test::make_temp_dir("runstore-lock");
  auto db = StateDb::open(dir);
  int pipefd[2];
  REQUIRE(::pipe(pipefd) == 0);
  pid_t child = ::fork();
  if (child == 0) {
    ::close(pipefd[0]);
    std::string message;
    try {
      StateDb::open(dir);
      message = "opened";
    } catch (const StateError& e) {
      message = e.what();
    }
    (void)!::write(pipefd[1], message.data(), message.size());
    ::_exit(0);
  }
  ::close(pipefd[1]);
  std::string message;
  char buf[512];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) message.append(buf, static_cast<size_t>(n));
  ::close(pipefd[0]);
  ::waitpid(child, nullptr, 0);
  CHECK(message.find("is held by another backflow process (pid " + std::to_string(::getpid()) + ")") !=
        std::string::npos);
}
