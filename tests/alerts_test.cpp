// Alerts against a local receiver: one message per state change (not per
// run), a recovery message when it clears, Slack and webhook payloads, the
// rejected-share and staleness conditions, and a dead receiver that costs
// nothing but a log line.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "service/alerts/alert_monitor.h"
#include "service/alerts/alert_sender.h"
#include "service/alerts/alert_state_store.h"
#include "tests/scheduler_fixture.h"
#include "tests/support/http_test_server.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::test;
using namespace std::chrono_literals;
using state::RunPhase;

namespace {

config::Alert target(config::AlertType type, const std::string& url, std::vector<std::string> events) {
  config::Alert alert;
  alert.type = type;
  alert.url = url;
  alert.events = std::move(events);
  return alert;
}

state::RunRecord ended_run(const std::string& sync, int sequence, RunPhase phase, state::RunCounts counts = {}) {
  state::RunRecord run;
  run.id = "run-" + std::to_string(sequence);
  run.sync = sync;
  run.phase = phase;
  run.started_at_ms = 1'790'000'000'000 + sequence * 60'000;
  run.ended_at_ms = run.started_at_ms + 1000;
  run.counts = counts;
  if (phase == RunPhase::Failed) {
    run.error_phase = "deliver";
    run.error = "HTTP 500 from https://api.example.com";
  }
  if (phase == RunPhase::Blocked) {
    run.error_phase = "guard";
    run.error = "would remove 80% of the records";
  }
  return run;
}

std::vector<nlohmann::json> bodies(const HttpTestServer& server) {
  std::vector<nlohmann::json> result;
  for (const auto& request : server.requests()) result.push_back(nlohmann::json::parse(request.body));
  return result;
}

alerts::AlertSender::Options quick_sender() {
  alerts::AlertSender::Options options;
  options.retry_delay = 10ms;
  options.total_timeout = 2s;
  return options;
}

}  // namespace

TEST_CASE("a failing sync alerts once and once more when it recovers", "[alerts]") {
  HttpTestServer receiver;
  alerts::AlertSender sender(quick_sender());
  alerts::AlertMonitor monitor({target(config::AlertType::webhook, receiver.url("/alerts"), {"run_failed"})}, sender,
                               nullptr);
  monitor.run_finished(ended_run("contacts", 1, RunPhase::Succeeded));
  monitor.run_finished(ended_run("contacts", 2, RunPhase::Failed));
  monitor.run_finished(ended_run("contacts", 3, RunPhase::Failed));
  monitor.run_finished(ended_run("contacts", 4, RunPhase::Failed));
  monitor.run_finished(ended_run("contacts", 5, RunPhase::Succeeded));
  monitor.run_finished(ended_run("contacts", 6, RunPhase::Succeeded));
  REQUIRE(sender.flush(5s));

  auto sent = bodies(receiver);
  REQUIRE(sent.size() == 2);
  CHECK(sent[0]["source"] == "backflow");
  CHECK(sent[0]["event"] == "run_failed");
  CHECK(sent[0]["status"] == "firing");
  CHECK(sent[0]["sync"] == "contacts");
  CHECK(sent[0]["run_id"] == "run-2");
  CHECK(sent[0]["details"]["error"] == "HTTP 500 from https://api.example.com");
  CHECK(sent[1]["event"] == "run_failed");
  CHECK(sent[1]["status"] == "resolved");
  CHECK(sent[1]["run_id"] == "run-5");
  CHECK(receiver.requests()[0].header("content-type") == "application/json");
  CHECK(sender.stats().sent == 2);
}

TEST_CASE("Slack targets get a text message and only the events they asked for", "[alerts]") {
  HttpTestServer receiver;
  alerts::AlertSender sender(quick_sender());
  alerts::AlertMonitor monitor({target(config::AlertType::slack, receiver.url("/services/T0/B0/xyz"), {"run_blocked"})},
                               sender, nullptr);
  monitor.run_finished(ended_run("deals", 1, RunPhase::Failed));   // not subscribed
  monitor.run_finished(ended_run("deals", 2, RunPhase::Blocked));  // fires
  monitor.run_finished(ended_run("deals", 3, RunPhase::Blocked));  // still blocked
  monitor.run_finished(ended_run("deals", 4, RunPhase::Succeeded));
  REQUIRE(sender.flush(5s));
  auto sent = bodies(receiver);
  REQUIRE(sent.size() == 2);
  REQUIRE(sent[0].size() == 1);  // {"text": ...} only
  std::string text = sent[0]["text"];
  CHECK(text.find("deals") != std::string::npos);
  CHECK(text.find("blocked by a guard") != std::string::npos);
  CHECK(text.find("run-2") != std::string::npos);
  CHECK(std::string(sent[1]["text"]).find("no longer blocked") != std::string::npos);
  CHECK(receiver.requests()[0].target == "/services/T0/B0/xyz");
}

TEST_CASE("the rejected share alerts above the target's threshold", "[alerts]") {
  HttpTestServer receiver;
  alerts::AlertSender sender(quick_sender());
  auto alert = target(config::AlertType::webhook, receiver.url(), {"rejected_records"});
  alert.rejected_pct = 10;
  alerts::AlertMonitor monitor({alert}, sender, nullptr);
  state::RunCounts few;
  few.sent = 100;
  few.rejected = 10;  // 10%: not above
  state::RunCounts many = few;
  many.rejected = 11;
  monitor.run_finished(ended_run("s", 1, RunPhase::Succeeded, few));
  monitor.run_finished(ended_run("s", 2, RunPhase::Succeeded, many));
  monitor.run_finished(ended_run("s", 3, RunPhase::Succeeded, many));
  monitor.run_finished(ended_run("s", 4, RunPhase::Succeeded, few));
  REQUIRE(sender.flush(5s));
  auto sent = bodies(receiver);
  REQUIRE(sent.size() == 2);
  CHECK(sent[0]["status"] == "firing");
  CHECK(sent[0]["details"]["rejected_pct"] == Approx(11.0));
  CHECK(sent[0]["details"]["threshold_pct"] == Approx(10.0));
  CHECK(sent[1]["status"] == "resolved");
}

TEST_CASE("a sync without success for longer than stale_after alerts once", "[alerts]") {
  HttpTestServer receiver;
  alerts::AlertSender sender(quick_sender());
  auto alert = target(config::AlertType::webhook, receiver.url(), {"sync_stale"});
  alert.stale_after = 1h;
  alerts::AlertMonitor monitor({alert}, sender, nullptr);
  auto start = utc(2026, 5, 4, 10, 0);
  scheduler::SyncActivity never{"never", std::nullopt, start, false};
  scheduler::SyncActivity paused{"paused", std::nullopt, start, true};
  monitor.syncs_checked(start + 59min, {never, paused});
  monitor.syncs_checked(start + 61min, {never, paused});
  monitor.syncs_checked(start + 3h, {never, paused});
  auto recovered = ended_run("never", 7, RunPhase::Succeeded);
  monitor.run_finished(recovered);
  never.last_success = start + 3h;
  monitor.syncs_checked(start + 3h + 1min, {never, paused});
  REQUIRE(sender.flush(5s));
  auto sent = bodies(receiver);
  REQUIRE(sent.size() == 2);
  CHECK(sent[0]["event"] == "sync_stale");
  CHECK(sent[0]["status"] == "firing");
  CHECK(sent[0]["sync"] == "never");
  CHECK(std::string(sent[0]["message"]).find("has not succeeded for 1h1m") != std::string::npos);
  CHECK(sent[1]["status"] == "resolved");
}

TEST_CASE("firing conditions survive a restart - no repeat and the recovery still comes", "[alerts]") {
  HttpTestServer receiver;
  auto db = state::StateDb::open(make_temp_dir("alerts-state") / "state");
  alerts::AlertStateStore store(*db);
  alerts::AlertSender sender(quick_sender());
  auto alert = target(config::AlertType::webhook, receiver.url(), {"run_failed"});
  {
    alerts::AlertMonitor monitor({alert}, sender, &store);
    monitor.run_finished(ended_run("s", 1, RunPhase::Failed));
  }
  alerts::AlertMonitor restarted({alert}, sender, &store);
  restarted.run_finished(ended_run("s", 2, RunPhase::Failed));
  restarted.run_finished(ended_run("s", 3, RunPhase::Succeeded));
  REQUIRE(sender.flush(5s));
  auto sent = bodies(receiver);
  REQUIRE(sent.size() == 2);
  CHECK(sent[0]["status"] == "firing");
  CHECK(sent[1]["status"] == "resolved");
}

TEST_CASE("a receiver that fails or is gone is retried and logged and never fatal", "[alerts]") {
  HttpTestServer failing([](const ReceivedRequest&) { return ServerReply::json(503, "{}"); });
  alerts::AlertSender sender(quick_sender());
  alerts::AlertMonitor monitor({target(config::AlertType::slack, failing.url(), {"run_failed"}),
                                target(config::AlertType::webhook, "http://127.0.0.1:" +
                                                                       std::to_string(free_tcp_port()) + "/gone",
                                       {"run_failed"})},
                               sender, nullptr);
  monitor.run_finished(ended_run("s", 1, RunPhase::Failed));
  REQUIRE(sender.flush(10s));
  CHECK(failing.request_count() == 3);  // every attempt
  CHECK(sender.stats().failed == 2);
  CHECK(sender.stats().sent == 0);
}

TEST_CASE("alert hosts are logged without credentials or paths", "[alerts]") {
  CHECK(alerts::url_host("https://hooks.slack.com/services/T0/B0/secret") == "hooks.slack.com");
  CHECK(alerts::url_host("https://user:pw@example.com:8443/x?token=1") == "example.com:8443");
}
