// The assembled service in-process with the real sync runner behind it: runs
// triggered over the API reach a stateful receiver, the destination's
// throttling shows in /metrics, and a shutdown in the middle of delivery
// loses nothing (the next service resumes the run under the same id).
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "service/scheduler/clock.h"
#include "service/serve/runner_executor.h"
#include "service/serve/serve_service.h"
#include "state/failure_store.h"
#include "tests/api_fixture.h"
#include "tests/runner_support.h"
#include "tests/serve_process.h"

using namespace backflow;
using namespace backflow::test;
using namespace std::chrono_literals;

namespace {

struct ServedRunner {
  explicit ServedRunner(const std::string& label, std::size_t rows, SyncSettings settings)
      : dir(make_temp_dir(label)),
        connection(sqlite_connection_string(dir / "model.db")),
        model(odbc::Connection::open(connection, "model"), rows),
        harness(label + "-config", connection, "sqlite", receiver.url(), std::move(settings)) {}

  void start() {
    serve::ServeOptions options;
    options.config_file = harness.config_file();
    options.listen_override = "127.0.0.1:" + std::to_string(free_tcp_port());
    service = std::make_unique<serve::ServeService>(std::make_shared<const config::Config>(harness.config()), options,
                                                    clock, serve::runner_executor_factory());
    base = service->api_url();
  }

  // The run's JSON, or null while the API does not know it.
  nlohmann::json run(const std::string& id) const {
    auto reply = http_request("GET", base + "/api/v1/runs/" + id);
    return reply.status == 200 ? reply.json() : nlohmann::json();
  }
  bool run_in_phase(const std::string& id, const std::string& phase) const {
    auto json = run(id);
    return json.is_object() && json.value("phase", "") == phase;
  }
  bool run_ended(const std::string& id) const {
    auto json = run(id);
    if (!json.is_object()) return false;
    auto phase = state::parse_run_phase(json.value("phase", ""));
    return phase && state::is_terminal(*phase);
  }
  // The keys of the run's record results with `status`, as the API lists them.
  std::set<std::string> record_keys(const std::string& id, const std::string& status) const {
    auto reply = http_request("GET", base + "/api/v1/runs/" + id + "/records?limit=1000&status=" + status);
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    const nlohmann::json body = reply.json();
    std::set<std::string> keys;
    for (const auto& record : body["records"]) keys.insert(record["key"].get<std::string>());
    return keys;
  }
  std::string trigger() const {
    auto reply = http_request("POST", base + "/api/v1/syncs/people_sync/trigger", "{}");
    INFO(reply.body);
    REQUIRE(reply.status / 100 == 2);
    return reply.json().at("run_id").get<std::string>();
  }

  std::filesystem::path dir;
  std::string connection;
  ModelReceiver receiver;
  PeopleModel model;
  RunnerHarness harness;
  scheduler::SystemClock clock;
  std::unique_ptr<serve::ServeService> service;
  std::string base;
};

double metric_value(const std::string& metrics, const std::string& series) {
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

}  // namespace

TEST_CASE("serve with the runner: a triggered run delivers the model and throttling shows in /metrics",
          "[serve][serve_runner]") {
  SyncSettings settings;
  settings.destination = "throttled_hook";
  settings.delivery_attempts = 5;  // a throttled batch counts an attempt (docs/delivery.md)
  ServedRunner served("serve-runner-metrics", 60, settings);
  served.receiver.throttle_next(2);
  served.start();

  const std::string id = served.trigger();
  REQUIRE(eventually([&] { return served.run_in_phase(id, "succeeded"); }, 30s));
  CHECK(served.receiver.records() == served.model.expected());
  auto run = served.run(id);
  CHECK(run["counts"]["accepted"] == 60);
  CHECK(run["trigger"] == "api");

  // The run is durable (the API shows it) a moment before the scheduler
  // reports it finished to the metrics.
  std::string metrics;
  eventually(
      [&] {
        metrics = http_request("GET", served.base + "/metrics").body;
        return metric_value(metrics, R"(backflow_runs_total{sync="people_sync",status="succeeded"})") == 1;
      },
      10s);
  INFO(metrics);
  CHECK(metric_value(metrics, R"(backflow_http_429_responses_total{destination="throttled_hook"})") == 2);
  CHECK(metric_value(metrics, R"(backflow_rate_limit_waits_total{destination="throttled_hook"})") >= 1);
  CHECK(metric_value(metrics, R"(backflow_runs_total{sync="people_sync",status="succeeded"})") == 1);
  CHECK(metric_value(metrics, R"(backflow_rows_read_total{sync="people_sync"})") == 60);

  // The run's exchanges are in the destination's request log, the 429s too.
  auto log = http_request("GET", served.base + "/api/v1/destinations/throttled_hook/requests").json();
  std::map<long, int> by_status;
  for (const auto& exchange : log["requests"]) {
    CHECK(exchange["sync"] == "people_sync");
    ++by_status[exchange["status"].get<long>()];
  }
  CHECK(by_status[429] == 2);
  CHECK(by_status[200] >= 6);  // 60 records in batches of 10
}

TEST_CASE("serve with the runner: a shutdown mid-delivery loses nothing and the next start resumes the run",
          "[serve][serve_runner]") {
  SyncSettings settings;
  settings.destination = "slow_hook";
  ServedRunner served("serve-runner-shutdown", 400, settings);
  served.receiver.set_delay(40ms);  // 40 batches of 10, one at a time: about 1.6 s of delivery
  served.start();

  const std::string id = served.trigger();
  REQUIRE(eventually([&] { return served.receiver.records_received() >= 50; }, 30s));
  CHECK(served.service->shutdown());  // within the grace period
  served.service.reset();
  REQUIRE(served.receiver.records_received() < 400);
  {
    auto db = state::StateDb::open(served.harness.state_dir() / "state");
    state::RunStore runs(*db);
    auto unfinished = runs.unfinished("people_sync");
    REQUIRE(unfinished);
    CHECK(unfinished->id == id);
    CHECK(unfinished->phase == state::RunPhase::Deliver);
    CHECK(unfinished->checkpoint.changes_acked >= 50);
  }

  served.receiver.set_delay(0ms);
  served.start();
  REQUIRE(eventually([&] { return served.run_in_phase(id, "succeeded"); }, 30s));
  CHECK(served.receiver.records() == served.model.expected());
  // Acknowledged batches were not sent again: at most the one in flight.
  CHECK(served.receiver.repeated_in_run() <= 10);
  CHECK(served.run(id)["counts"]["accepted"] == 400);
}

TEST_CASE("serve with the runner: several syncs run at once over one state directory", "[serve][serve_runner]") {
  auto dir = make_temp_dir("serve-runner-concurrent");
  const std::string connection = sqlite_connection_string(dir / "model.db");
  PeopleModel model(odbc::Connection::open(connection, "model"), 2000);
  ModelReceiver receiver;
  receiver.set_delay(20ms);  // runs overlap in delivery
  const int port = free_tcp_port();
  std::ofstream yaml(dir / "backflow.yaml");
  yaml << "version: 1\nstate_dir: " << (dir / "state").string() << "\n"
       << "server: { listen: \"127.0.0.1:" << port << "\", workers: 4 }\n"
       << "warehouses:\n  model: { connection: " << nlohmann::json(connection).dump() << ", dialect: sqlite }\n"
       << "destinations:\n  concurrent_hook: { type: webhook, url: \"" << receiver.url() << "\", batch_size: 100 }\n"
       << "syncs:\n";
  for (int i = 0; i < 4; ++i) {
    yaml << "  slice_" << i << ":\n"
         << "    source: { warehouse: model, query: \"SELECT id, name, score FROM people WHERE id % 4 = " << i
         << "\", primary_key: id }\n"
         << "    destination: { name: concurrent_hook, mode: upsert }\n"
         << "    mapping: { name: name, score: score }\n";
  }
  yaml.close();
  scheduler::SystemClock clock;
  serve::ServeOptions options;
  options.config_file = dir / "backflow.yaml";
  serve::ServeService service(std::make_shared<const config::Config>(config::load_config_or_throw(options.config_file)),
                              options, clock, serve::runner_executor_factory());
  const std::string base = service.api_url();

  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    auto reply = http_request("POST", base + "/api/v1/syncs/slice_" + std::to_string(i) + "/trigger", "{}");
    REQUIRE(reply.status / 100 == 2);
    ids.push_back(reply.json().at("run_id").get<std::string>());
  }
  for (const auto& id : ids) {
    INFO(id);
    REQUIRE(eventually(
        [&] {
          auto run = http_request("GET", base + "/api/v1/runs/" + id);
          if (run.status != 200) return false;
          auto phase = state::parse_run_phase(run.json().value("phase", ""));
          return phase && state::is_terminal(*phase);
        },
        30s));
    auto run = http_request("GET", base + "/api/v1/runs/" + id).json();
    INFO(run.dump());
    CHECK(run["phase"] == "succeeded");
    CHECK(run["counts"]["accepted"] == 500);
  }
  CHECK(receiver.records() == model.expected());
}

TEST_CASE("serve with the runner: records dead at their first failure and revived over the API are sent by the next run",
          "[serve][serve_runner]") {
  SyncSettings settings;
  settings.max_attempts = 1;  // a rejected record is dead at once
  ServedRunner served("serve-runner-revive", 20, settings);
  const std::set<std::string> refused_ids = {"3", "6", "9", "12", "15"};
  std::set<std::string> refused;
  for (const auto& id : refused_ids) refused.insert(nlohmann::json({{"id", std::stoi(id)}}).dump());
  served.receiver.set_rejected(refused);
  served.start();

  const std::string first = served.trigger();
  REQUIRE(eventually([&] { return served.run_ended(first); }, 30s));
  INFO(served.run(first).dump());
  CHECK(served.run(first)["counts"]["rejected"] == 5);
  CHECK(served.record_keys(first, "dead") == refused_ids);

  auto revived = http_request("POST", served.base + "/api/v1/syncs/people_sync/records/retry", "");
  INFO(revived.body);
  REQUIRE(revived.status == 200);
  CHECK(revived.json()["revived"] == 5);

  // The destination accepts them now; the rows did not change.
  served.receiver.set_rejected({});
  served.receiver.clear_log();
  const std::string second = served.trigger();
  REQUIRE(eventually([&] { return served.run_ended(second); }, 30s));
  auto run = served.run(second);
  INFO(run.dump());
  CHECK(run["phase"] == "succeeded");
  CHECK(run["counts"]["sent"] == 5);
  CHECK(run["counts"]["accepted"] == 5);
  CHECK(run["counts"]["retried"] == 5);
  std::set<std::string> sent;
  for (const auto& body : served.receiver.bodies()) {
    for (const auto& record : body["records"]) sent.insert(record["key"].dump());
  }
  CHECK(sent == refused);
  CHECK(served.receiver.records() == served.model.expected());
  CHECK(served.record_keys(second, "dead").empty());
  CHECK(served.record_keys(second, "rejected").empty());
  // Nothing is failing any more: no dead record is left to revive.
  CHECK(http_request("POST", served.base + "/api/v1/syncs/people_sync/records/retry", "").json()["revived"] == 0);

  CHECK(served.service->shutdown());
  served.service.reset();
  auto db = state::StateDb::open(served.harness.state_dir() / "state");
  std::size_t failing = 0;
  state::FailureStore(*db).for_each("people_sync", false, [&](const state::FailedRecord&) { return ++failing, true; });
  CHECK(failing == 0);
}

TEST_CASE("serve with the runner: a run's record is found by its key as docs/api.md shows it", "[serve][serve_runner]") {
  ServedRunner served("serve-runner-record-key", 12, SyncSettings{});
  served.receiver.set_rejected({nlohmann::json({{"id", 11}}).dump()});
  served.start();
  const std::string id = served.trigger();
  REQUIRE(eventually([&] { return served.run_ended(id); }, 30s));

  auto found = http_request("GET", served.base + "/api/v1/runs/" + id + "/records?key=11");
  INFO(found.body);
  REQUIRE(found.status == 200);
  REQUIRE(found.json()["records"].size() == 1);
  const auto record = found.json()["records"][0];
  CHECK(record["key"] == "11");
  CHECK(record["op"] == "added");
  CHECK(record["status"] == "rejected");
  CHECK(record["message"] == "refused by the test receiver");
  // The listing shows the same key, and the bracketed form finds nothing.
  CHECK(served.record_keys(id, "rejected") == std::set<std::string>{"11"});
  CHECK(http_request("GET", served.base + "/api/v1/runs/" + id + "/records?key=%5B11%5D").json()["records"].empty());
  // Accepted records are not kept.
  CHECK(served.record_keys(id, "accepted").empty());
}
