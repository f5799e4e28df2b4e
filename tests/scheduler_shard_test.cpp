// --shard i/n: every sync belongs to exactly one shard, after: groups stay
// together, and a scheduler only sees its own shard's syncs.
#include <catch2/catch.hpp>
#include <set>

#include "service/scheduler/shard.h"
#include "service/scheduler/sync_groups.h"
#include "tests/scheduler_fixture.h"

using namespace backflow;
using namespace backflow::test;

TEST_CASE("100 sync names split across 3 shards form a partition", "[scheduler][shard]") {
  std::vector<scheduler::Shard> shards;
  for (std::uint32_t i = 0; i < 3; ++i) shards.push_back(scheduler::parse_shard(std::to_string(i) + "/3"));
  std::vector<std::size_t> sizes(3, 0);
  for (int n = 0; n < 100; ++n) {
    std::string name = "sync_" + std::to_string(n);
    int owners = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      if (shards[i].owns(name)) {
        ++owners;
        ++sizes[i];
      }
    }
    CHECK(owners == 1);
  }
  for (auto size : sizes) CHECK(size >= 20);  // xxHash spreads them
  CHECK(scheduler::Shard{}.owns("anything"));
}

TEST_CASE("shard specs are checked", "[scheduler][shard]") {
  CHECK(scheduler::parse_shard("2/3").index == 2);
  for (const char* bad : {"3/3", "1", "a/b", "-1/3", "0/0", "1/2/3", ""}) {
    CHECK_THROWS_AS(scheduler::parse_shard(bad), std::invalid_argument);
  }
}

TEST_CASE("syncs linked by after: share a shard and each scheduler lists only its own", "[scheduler][shard]") {
  std::vector<std::pair<std::string, std::string>> syncs;
  for (int n = 0; n < 12; ++n) syncs.push_back({"s" + std::to_string(n), "manual"});
  syncs.push_back({"child", "{ after: [s3, s7] }"});
  auto config = config_with_syncs(syncs);
  auto keys = scheduler::shard_keys(*config);
  CHECK(keys["child"] == "child");  // the smallest name of the group {child, s3, s7}
  CHECK(keys["s3"] == "child");
  CHECK(keys["s7"] == "child");
  CHECK(keys["s5"] == "s5");

  std::set<std::string> seen;
  for (std::uint32_t i = 0; i < 3; ++i) {
    SchedulerFixture f(utc(2026, 5, 4, 10, 0));
    scheduler::Scheduler::Options options;
    options.shard = {i, 3};
    f.start(config, options);
    std::set<std::string> mine;
    for (const auto& status : f.scheduler().list()) mine.insert(status.sync->name);
    if (mine.count("child")) CHECK((mine.count("s3") && mine.count("s7")));
    for (const auto& name : mine) CHECK(seen.insert(name).second);
  }
  CHECK(seen.size() == syncs.size());
}
