// The scheduler with a hand-moved clock: cron (UTC and a zone across DST),
// every, after: chains, coalescing, the worker limit, restart catch-up,
// resuming interrupted runs, pause, cancel and config reload.
#include "service/scheduler/scheduler.h"

#include <catch2/catch.hpp>

#include "tests/scheduler_fixture.h"

using namespace backflow;
using namespace backflow::test;
using namespace std::chrono_literals;
using scheduler::TriggerResult;
using state::RunPhase;

namespace {

std::size_t runs_of(const SchedulerFixture& f, const std::string& sync) { return f.executor.calls_of(sync).size(); }

}  // namespace

TEST_CASE("a UTC cron schedule fires once per slot", "[scheduler]") {
  SchedulerFixture f(utc(2026, 5, 4, 10, 7));
  f.start(config_with_syncs({{"quarterly", "\"*/15 * * * *\""}}));
  CHECK(runs_of(f, "quarterly") == 0);
  auto status = f.scheduler().find("quarterly");
  REQUIRE(status);
  REQUIRE(status->next_due);
  CHECK(*status->next_due == utc(2026, 5, 4, 10, 15));

  f.advance(7min);
  CHECK(runs_of(f, "quarterly") == 0);
  f.advance(1min);  // 10:15
  CHECK(runs_of(f, "quarterly") == 1);
  CHECK(f.executor.calls_of("quarterly")[0].trigger == state::RunTrigger::Schedule);
  f.advance(14min);
  CHECK(runs_of(f, "quarterly") == 1);
  f.advance(1min);  // 10:30
  CHECK(runs_of(f, "quarterly") == 2);
}

TEST_CASE("a cron schedule in Europe/Paris follows the clocks across DST", "[scheduler][dst]") {
  SECTION("spring forward: 02:30 does not exist and fires at 03:00 local") {
    // 2026-03-29: Paris goes from 02:00 CET to 03:00 CEST (01:00 UTC).
    SchedulerFixture f(utc(2026, 3, 28, 23, 0));
    f.start(config_with_syncs({{"nightly", "{ cron: \"30 2 * * *\", timezone: Europe/Paris }"}}));
    CHECK(*f.scheduler().find("nightly")->next_due == utc(2026, 3, 29, 1, 0));
    f.advance(119min);  // 00:59 UTC
    CHECK(runs_of(f, "nightly") == 0);
    f.advance(1min);
    CHECK(runs_of(f, "nightly") == 1);
    // The next day 02:30 CEST is 00:30 UTC.
    CHECK(*f.scheduler().find("nightly")->next_due == utc(2026, 3, 30, 0, 30));
  }
  SECTION("fall back: 02:30 happens twice and fires once") {
    // 2026-10-25: Paris goes from 03:00 CEST back to 02:00 CET (01:00 UTC).
    SchedulerFixture f(utc(2026, 10, 24, 22, 0));
    f.start(config_with_syncs({{"nightly", "{ cron: \"30 2 * * *\", timezone: Europe/Paris }"}}));
    f.advance(150min);  // 00:30 UTC = 02:30 CEST
    CHECK(runs_of(f, "nightly") == 1);
    f.advance(60min);  // 01:30 UTC = 02:30 CET, the second pass
    CHECK(runs_of(f, "nightly") == 1);
    CHECK(*f.scheduler().find("nightly")->next_due == utc(2026, 10, 26, 1, 30));
  }
}

TEST_CASE("an every schedule runs at once then at each interval", "[scheduler]") {
  SchedulerFixture f(utc(2026, 5, 4, 10, 0));
  f.start(config_with_syncs({{"often", "{ every: 10m }"}, {"byhand", "manual"}}));
  CHECK(runs_of(f, "often") == 1);
  f.advance(9min);
  CHECK(runs_of(f, "often") == 1);
  f.advance(1min);
  CHECK(runs_of(f, "often") == 2);
  f.advance(10min);
  CHECK(runs_of(f, "often") == 3);
  CHECK(runs_of(f, "byhand") == 0);
  CHECK_FALSE(f.scheduler().find("byhand")->next_due);
}

TEST_CASE("after: chains run when every parent succeeded since the child's last run", "[scheduler][after]") {
  SchedulerFixture f(utc(2026, 5, 4, 10, 0));
  f.start(config_with_syncs({{"a", "{ every: 1h }"},
                             {"b", "{ after: [a] }"},
                             {"c", "{ after: [b] }"},
                             {"x", "manual"},
                             {"d", "{ after: [a, x] }"}}));
  // a ran at start; b then c followed it; d waits for x.
  CHECK(runs_of(f, "a") == 1);
  CHECK(runs_of(f, "b") == 1);
  CHECK(runs_of(f, "c") == 1);
  CHECK(runs_of(f, "d") == 0);

  f.advance(1min);
  REQUIRE(f.scheduler().trigger("x", state::RunTrigger::Api, false, false).status == TriggerResult::Status::Started);
  f.settle();
  CHECK(runs_of(f, "d") == 1);

  SECTION("a failed parent stops the chain until it succeeds again") {
    f.executor.set_outcome("a", RunPhase::Failed);
    f.advance(1h);
    CHECK(runs_of(f, "a") == 2);
    CHECK(runs_of(f, "b") == 1);
    CHECK(runs_of(f, "d") == 1);
    f.executor.set_outcome("a", RunPhase::Succeeded);
    f.advance(1h);
    CHECK(runs_of(f, "a") == 3);
    CHECK(runs_of(f, "b") == 2);
    CHECK(runs_of(f, "c") == 2);
    // x has not succeeded since d's last run: d still waits.
    CHECK(runs_of(f, "d") == 1);
  }
}

TEST_CASE("a due run of a busy sync is coalesced into one follow-up run", "[scheduler][coalesce]") {
  SchedulerFixture f(utc(2026, 5, 4, 10, 0));
  f.executor.hold("slow");
  f.start(config_with_syncs({{"slow", "{ every: 1m }"}}), {});
  REQUIRE(f.executor.wait_until_held("slow"));
  auto first_run = f.scheduler().find("slow")->run_id;
  REQUIRE(first_run);

  // Five slots pass while it runs; an operator's trigger is refused.
  for (int i = 0; i < 5; ++i) f.tick(1min);
  auto busy = f.scheduler().trigger("slow", state::RunTrigger::Api, false, false);
  CHECK(busy.status == TriggerResult::Status::Busy);
  CHECK(busy.run_id == *first_run);
  CHECK(runs_of(f, "slow") == 1);

  f.executor.release("slow");
  f.settle();
  CHECK(runs_of(f, "slow") == 2);  // one follow-up, not five
  f.advance(30s);
  CHECK(runs_of(f, "slow") == 2);
}

TEST_CASE("runs use at most the configured number of workers", "[scheduler]") {
  SchedulerFixture f(utc(2026, 5, 4, 10, 0));
  std::vector<std::pair<std::string, std::string>> syncs;
  for (int i = 0; i < 6; ++i) {
    syncs.push_back({"s" + std::to_string(i), "manual"});
    f.executor.hold("s" + std::to_string(i));
  }
  scheduler::Scheduler::Options options;
  options.workers = 2;
  f.start(config_with_syncs(syncs), options);
  for (const auto& [name, schedule] : syncs) {
    REQUIRE(f.scheduler().trigger(name, state::RunTrigger::Api, false, false).status ==
            TriggerResult::Status::Started);
  }
  REQUIRE(f.executor.wait_until_held("s0"));
  REQUIRE(f.executor.wait_until_held("s1"));
  CHECK(f.scheduler().find("s5")->state == scheduler::SyncState::Queued);
  for (const auto& [name, schedule] : syncs) f.executor.release(name);
  f.settle();
  CHECK(f.executor.calls().size() == 6);
  CHECK(f.executor.max_concurrent() == 2);
}

TEST_CASE("an every schedule counts its interval from the sync's last run, whatever started it",
          "[scheduler][restart]") {
  SchedulerFixture f(utc(2026, 5, 4, 10, 0));
  // `backflow run` ran the sync by hand 3 minutes before the service starts.
  auto manual = f.runs->create("often", state::RunTrigger::Manual, false, false,
                               scheduler::to_unix_ms(utc(2026, 5, 4, 9, 57)));
  manual.phase = RunPhase::Succeeded;
  manual.ended_at_ms = manual.started_at_ms + 1000;
  f.runs->save(manual);

  f.start(config_with_syncs({{"often", "{ every: 10m }"}, {"fresh", "{ every: 10m }"}}));
  CHECK(runs_of(f, "often") == 0);
  CHECK(runs_of(f, "fresh") == 1);  // never run: at once
  CHECK(*f.scheduler().find("often")->next_due == utc(2026, 5, 4, 10, 7));
  f.advance(6min);
  CHECK(runs_of(f, "often") == 0);
  f.advance(1min);
  CHECK(runs_of(f, "often") == 1);
}

namespace {

// Records what the scheduler reports when runs start.
class StartRecorder : public scheduler::SchedulerObserver {
 public:
  void run_finished(const state::RunRecord&) override {}
  void syncs_checked(scheduler::TimePoint, const std::vector<scheduler::SyncActivity>&) override {}
  void queue_depth_changed(std::size_t) override {}
  void run_started(const state::RunRecord& run, std::optional<std::chrono::milliseconds> delay) override {
    std::lock_guard lock(mutex);
    starts.emplace_back(run.sync, delay);
  }
  std::mutex mutex;
  std::vector<std::pair<std::string, std::optional<std::chrono::milliseconds>>> starts;
};

}  // namespace

TEST_CASE("a scheduled run reports its scheduling delay and a triggered one none", "[scheduler]") {
  SchedulerFixture f(utc(2026, 5, 4, 10, 0));
  StartRecorder recorder;
  f.observer = &recorder;
  f.start(config_with_syncs({{"often", "{ every: 10m }"}, {"byhand", "manual"}}));
  f.settle();
  REQUIRE(f.scheduler().trigger("byhand", state::RunTrigger::Api, false, false).status == TriggerResult::Status::Started);
  f.settle();
  std::lock_guard lock(recorder.mutex);
  REQUIRE(recorder.starts.size() == 2);
  for (const auto& [sync, delay] : recorder.starts) {
    INFO(sync);
    if (sync == "often") {
      REQUIRE(delay);
      CHECK(*delay == std::chrono::milliseconds(0));  // the hand-moved clock stood still
    } else {
      CHECK_FALSE(delay);
    }
  }
}

TEST_CASE("schedules missed while the service was down run once on start", "[scheduler][restart]") {
  SchedulerFixture f(utc(2026, 5, 4, 10, 0));
  auto config = config_with_syncs({{"often", "{ every: 10m }"}, {"hourly", "\"0 * * * *\""}});
  f.start(config);
  CHECK(runs_of(f, "often") == 1);
  CHECK(runs_of(f, "hourly") == 0);
  f.stop();

  f.clock.advance(5h + 5min);  // 30 slots of "often" and 5 of "hourly" pass while down
  f.start(config);
  CHECK(runs_of(f, "often") == 2);
  CHECK(runs_of(f, "hourly") == 1);
  f.advance(9min);
  CHECK(runs_of(f, "often") == 2);
  f.advance(1min);
  CHECK(runs_of(f, "often") == 3);
  f.advance(50min);  // 16:00
  CHECK(runs_of(f, "hourly") == 2);
}

TEST_CASE("a run stopped by shutdown stays unfinished and resumes on the next start", "[scheduler][restart]") {
  SchedulerFixture f(utc(2026, 5, 4, 10, 0));
  auto config = config_with_syncs({{"big", "manual"}});
  f.executor.hold("big");
  f.start(config);
  auto run_id = f.scheduler().trigger("big", state::RunTrigger::Api, false, false).run_id;
  REQUIRE(f.executor.wait_until_held("big"));
  f.stop();
  auto interrupted = f.runs->get(run_id);
  REQUIRE(interrupted);
  CHECK(interrupted->phase == RunPhase::Deliver);
  CHECK(interrupted->checkpoint.batches_acked == 1);

  f.executor.release("big");
  f.start(config);
  auto calls = f.executor.calls_of("big");
  REQUIRE(calls.size() == 2);
  CHECK(calls[1].resume);
  CHECK(calls[1].run_id == run_id);
  CHECK(f.runs->get(run_id)->phase == RunPhase::Succeeded);
  CHECK_FALSE(f.runs->unfinished("big"));
}

TEST_CASE("a paused sync is not scheduled across restarts until resumed", "[scheduler][pause]") {
  SchedulerFixture f(utc(2026, 5, 4, 10, 0));
  auto config = config_with_syncs({{"often", "{ every: 10m }"}});
  f.start(config);
  REQUIRE(runs_of(f, "often") == 1);
  REQUIRE(f.scheduler().set_paused("often", true));
  CHECK_FALSE(f.scheduler().set_paused("nosuch", true));
  f.advance(30min);
  CHECK(runs_of(f, "often") == 1);
  CHECK_FALSE(f.scheduler().find("often")->next_due);

  f.stop();
  f.start(config);
  CHECK(f.scheduler().find("often")->paused);
  f.advance(30min);
  CHECK(runs_of(f, "often") == 1);

  // A paused sync can still be run by hand.
  CHECK(f.scheduler().trigger("often", state::RunTrigger::Api, false, false).status ==
        TriggerResult::Status::Started);
  f.settle();
  CHECK(runs_of(f, "often") == 2);

  REQUIRE(f.scheduler().set_paused("often", false));
  f.settle();
  CHECK(runs_of(f, "often") == 3);  // overdue: runs once at resume
}

TEST_CASE("cancel stops a running run and ends a queued one before it starts", "[scheduler][cancel]") {
  SchedulerFixture f(utc(2026, 5, 4, 10, 0));
  scheduler::Scheduler::Options options;
  options.workers = 1;
  f.executor.hold("first");
  f.start(config_with_syncs({{"first", "manual"}, {"second", "manual"}}), options);
  auto running = f.scheduler().trigger("first", state::RunTrigger::Api, false, false).run_id;
  auto queued = f.scheduler().trigger("second", state::RunTrigger::Api, false, false).run_id;
  REQUIRE(f.executor.wait_until_held("first"));
  CHECK(f.scheduler().cancel(queued) == scheduler::CancelResult::Requested);
  CHECK(f.scheduler().cancel(running) == scheduler::CancelResult::Requested);
  f.settle();
  CHECK(f.runs->get(running)->phase == RunPhase::Cancelled);
  CHECK(f.runs->get(queued)->phase == RunPhase::Cancelled);
  CHECK(runs_of(f, "second") == 0);  // never reached the executor
  CHECK(f.scheduler().cancel(running) == scheduler::CancelResult::AlreadyEnded);
  CHECK(f.scheduler().cancel("run-99999999") == scheduler::CancelResult::UnknownRun);
}

TEST_CASE("a config reload adds and removes syncs and lets running runs finish", "[scheduler][reload]") {
  SchedulerFixture f(utc(2026, 5, 4, 10, 0));
  f.executor.hold("old");
  auto& scheduler = f.start(config_with_syncs({{"old", "{ every: 10m }"}, {"kept", "manual"}}));
  REQUIRE(f.executor.wait_until_held("old"));

  scheduler.apply_config(config_with_syncs({{"kept", "manual"}, {"fresh", "{ every: 10m }"}}));
  auto names = std::vector<std::string>();
  for (const auto& status : scheduler.list()) names.push_back(status.sync->name);
  CHECK(names == std::vector<std::string>{"fresh", "kept"});
  CHECK(scheduler.trigger("old", state::RunTrigger::Api, false, false).status ==
        TriggerResult::Status::UnknownSync);

  f.executor.release("old");
  f.settle();
  auto old_runs = f.executor.calls_of("old");
  REQUIRE(old_runs.size() == 1);
  CHECK(f.runs->get(old_runs[0].run_id)->phase == RunPhase::Succeeded);
  CHECK(runs_of(f, "fresh") == 1);
  for (int i = 0; i < 3; ++i) f.advance(10min);
  CHECK(runs_of(f, "old") == 1);
  CHECK(runs_of(f, "fresh") == 4);
}
