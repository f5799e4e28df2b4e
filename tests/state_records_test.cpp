#include <catch2/catch.hpp>

#include "state/failure_store.h"
#include "state/record_store.h"
#include "tests/support/test_env.h"

using namespace backflow::state;

TEST_CASE("record results are listed by status with a cursor and found by key", "[state]") {
  auto db = StateDb::open(backflow::test::make_temp_dir("records"));
  RecordStore store(*db);
  std::vector<RecordResult> results;
  for (int i = 0; i < 25; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "k%03d", i);
    results.push_back({key, "added", i % 5 == 0 ? "rejected" : "accepted", i % 5 == 0 ? 400 : 200,
                       i % 5 == 0 ? "email is invalid" : ""});
  }
  store.add("run-1", 1000, results, true);
  store.add("run-2", 2000, {{"k000", "changed", "rejected", 422, "other run"}}, true);

  auto rejected = store.list("run-1", std::string("rejected"), 3);
  REQUIRE(rejected.records.size() == 3);
  CHECK(rejected.records[0].key == "k000");
  CHECK(rejected.records[2].key == "k010");
  CHECK(rejected.records[1].message == "email is invalid");
  REQUIRE(rejected.next_cursor);
  auto rest = store.list("run-1", std::string("rejected"), 3, rejected.next_cursor);
  REQUIRE(rest.records.size() == 2);
  CHECK(rest.records[1].key == "k020");
  CHECK_FALSE(rest.next_cursor);

  CHECK(store.list("run-1", std::nullopt, 100).records.size() == 25);
  auto found = store.find("run-2", "k000");
  REQUIRE(found);
  CHECK(found->http_status == 422);
  CHECK_FALSE(store.find("run-2", "k001"));

  // A later outcome for the same key replaces the earlier one in every index.
  store.add("run-1", 1000, {{"k000", "added", "accepted", 200, ""}}, true);
  CHECK(store.list("run-1", std::string("rejected"), 100).records.size() == 4);
  CHECK(store.find("run-1", "k000")->status == "accepted");

  store.purge_run("run-1", 1000);
  CHECK(store.list("run-1", std::nullopt, 100).records.empty());
  CHECK(store.list("run-1", std::string("rejected"), 100).records.empty());
  CHECK_FALSE(store.find("run-1", "k005"));
  CHECK(store.find("run-2", "k000"));
}

TEST_CASE("failed records count attempts, die at max_attempts and can be revived", "[state]") {
  auto db = StateDb::open(backflow::test::make_temp_dir("failures"));
  FailureStore store(*db);
  for (int i = 1; i <= 3; ++i) {
    auto r = store.record_failure("contacts", "42", "run-" + std::to_string(i), "HTTP 400: bad email", 3);
    CHECK(r.attempts == static_cast<unsigned>(i));
    CHECK(r.dead == (i == 3));
  }
  store.record_failure("contacts", "7", "run-3", "timeout", 3);
  store.record_failure("accounts", "42", "run-3", "timeout", 3);

  std::vector<std::string> dead;
  store.for_each("contacts", true, [&](const FailedRecord& r) {
    dead.push_back(r.key);
    return true;
  });
  CHECK(dead == std::vector<std::string>{"42"});

  CHECK(store.revive_dead("contacts") == 1);
  CHECK_FALSE(store.find("contacts", "42")->dead);
  CHECK(store.find("contacts", "42")->attempts == 0);

  store.forget("contacts", "7");
  CHECK_FALSE(store.find("contacts", "7"));
  CHECK(store.find("accounts", "42"));
}
