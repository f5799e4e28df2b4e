// The assembled service in-process with the real sync runner behind it: runs
// triggered over the API reach a stateful receiver, the destination's
// throttling shows in /metrics, and a shutdown in the middle of delivery
// loses nothing (the next service resumes the run under the same id).
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "service/scheduler/clock.h"
#include "service/serve/runner_executor.h"
#include "service/serve/serve_service.h"
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
