// The assembled service in-process (ServeService: state, scheduler, API,
// metrics, alerts) with a scripted executor and a hand-moved clock, driven
// through its HTTP API as an operator would.
#include "service/serve/serve_service.h"

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>

#include "tests/api_fixture.h"
#include "tests/scheduler_fixture.h"
#include "tests/serve_process.h"
#include "tests/support/http_test_server.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::test;
using namespace std::chrono_literals;

namespace {

using Syncs = std::vector<std::pair<std::string, std::string>>;

struct ServedFixture {
  explicit ServedFixture(const std::vector<std::pair<std::string, std::string>>& syncs,
                         const std::string& extra_yaml = "")
      : dir(make_temp_dir("serve")), port(free_tcp_port()), clock(utc(2026, 5, 4, 10, 0)) {
    write_config(syncs, extra_yaml);
    auto loaded = config::load_config(dir / "backflow.yaml");
    REQUIRE(loaded.ok());
    serve::ServeOptions options;
    options.config_file = dir / "backflow.yaml";
    service = std::make_unique<serve::ServeService>(
        std::make_shared<const config::Config>(std::move(*loaded.config)), options, clock,
        [this](const config::Config&, const std::filesystem::path&, state::StateDb&, state::RunStore& runs) {
          auto scripted = std::make_unique<ScriptedExecutor>(runs, clock);
          executor = scripted.get();
          for (const auto& sync : held) scripted->hold(sync);
          return std::unique_ptr<scheduler::RunExecutor>(std::move(scripted));
        });
    base = service->api_url();
  }

  void write_config(const std::vector<std::pair<std::string, std::string>>& syncs, const std::string& extra_yaml) {
    std::ofstream(dir / "backflow.yaml") << config_yaml_with_syncs(
        syncs, "state_dir: " + (dir / "state").string() + "\nserver: { listen: \"127.0.0.1:" +
                   std::to_string(port) + "\" }\n" + extra_yaml);
  }

  HttpReply get(const std::string& path) const { return http_request("GET", base + path); }
  HttpReply post(const std::string& path, const std::string& body = "") const {
    return http_request("POST", base + path, body);
  }

  std::filesystem::path dir;
  int port;
  scheduler::ManualClock clock;
  std::vector<std::string> held;
  ScriptedExecutor* executor = nullptr;
  std::unique_ptr<serve::ServeService> service;
  std::string base;
};

}  // namespace

TEST_CASE("serve: the API lists and triggers (409 when busy) and cancels and pauses scheduled syncs", "[serve]") {
  ServedFixture f(Syncs{{"contacts", "{ every: 1h }"}, {"deals", "manual"}});
  f.executor->hold("deals");
  REQUIRE(f.service->scheduler().wait_idle(5s));  // contacts ran at start

  auto syncs = f.get("/api/v1/syncs").json();
  REQUIRE(syncs["syncs"].size() == 2);
  auto contacts = f.get("/api/v1/syncs/contacts").json();
  CHECK(contacts["schedule"] == "every 1h");
  CHECK(contacts["next_run_at_ms"] == scheduler::to_unix_ms(utc(2026, 5, 4, 11, 0)));

  auto started = f.post("/api/v1/syncs/deals/trigger", R"({"full_resync": true})");
  REQUIRE(started.status == 202);
  std::string run_id = started.json()["run_id"];
  REQUIRE(f.executor->wait_until_held("deals"));
  auto again = f.post("/api/v1/syncs/deals/trigger");
  CHECK(again.status == 409);
  CHECK(again.body.find(run_id) != std::string::npos);
  CHECK(f.get("/api/v1/syncs/deals").json()["state"] == "running");

  CHECK(f.post("/api/v1/runs/" + run_id + "/cancel").status == 202);
  REQUIRE(f.service->scheduler().wait_idle(5s));
  auto run = f.get("/api/v1/runs/" + run_id).json();
  CHECK(run["phase"] == "cancelled");
  CHECK(run["trigger"] == "resync");
  CHECK(f.post("/api/v1/runs/" + run_id + "/cancel").status == 409);
  CHECK(f.post("/api/v1/syncs/nosuch/trigger").status == 404);

  REQUIRE(f.post("/api/v1/syncs/contacts/pause").status == 200);
  CHECK(f.get("/api/v1/syncs/contacts").json()["paused"] == true);
  f.clock.advance(2h);
  f.service->scheduler().poll();
  REQUIRE(f.service->scheduler().wait_idle(5s));
  CHECK(f.executor->calls_of("contacts").size() == 1);
  REQUIRE(f.post("/api/v1/syncs/contacts/resume").status == 200);
  REQUIRE(eventually([&] { return f.executor->calls_of("contacts").size() == 2; }, 5s));

  CHECK(f.get("/readyz").status == 200);
  auto metrics = f.get("/metrics").body;
  INFO(metrics);
  CHECK(metrics.find("backflow_runs_total{sync=\"contacts\",status=\"succeeded\"} 2") != std::string::npos);
  CHECK(metrics.find("backflow_runs_total{sync=\"deals\",status=\"cancelled\"} 1") != std::string::npos);
  CHECK(metrics.find("backflow_last_success_timestamp_seconds{sync=\"contacts\"}") != std::string::npos);
  CHECK(metrics.find("backflow_queue_depth 0") != std::string::npos);
}

TEST_CASE("serve: a config reload adds syncs and a bad config is refused with its errors", "[serve][reload]") {
  ServedFixture f(Syncs{{"contacts", "manual"}});
  f.write_config({{"contacts", "manual"}, {"deals", "manual"}}, "");
  REQUIRE(f.post("/api/v1/config/reload").status == 200);
  CHECK(f.get("/api/v1/syncs").json()["syncs"].size() == 2);

  std::ofstream(f.dir / "backflow.yaml", std::ios::app) << "  broken:\n    shedule: manual\n";
  auto refused = f.post("/api/v1/config/reload");
  CHECK(refused.status == 400);
  CHECK(refused.json()["error"]["code"] == "invalid_config");
  CHECK(refused.body.find("unknown key 'shedule'") != std::string::npos);
  CHECK(f.get("/api/v1/syncs").json()["syncs"].size() == 2);
  CHECK(f.post("/api/v1/syncs/deals/trigger").status == 202);
}

TEST_CASE("serve: hostile reloads (a FIFO, /dev/zero, a 20,000-sync after: cycle) are answered and the old config stays",
          "[serve][reload][hostile]") {
  ServedFixture f(Syncs{{"contacts", "manual"}});
  const auto fifo = f.dir / "token.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const std::string& source : {fifo.string(), std::string("/dev/zero")}) {
    INFO(source);
    f.write_config({{"contacts", "manual"}, {"deals", "manual"}},
                   "alerts:\n  - { type: webhook, url: \"${file:" + source + "}\" }\n");
    const auto started = std::chrono::steady_clock::now();
    auto refused = f.post("/api/v1/config/reload");
    CHECK(std::chrono::steady_clock::now() - started < 5s);
    CHECK(refused.status == 400);
    CHECK(refused.body.find("only regular files are read") != std::string::npos);
    CHECK(f.get("/api/v1/syncs").json()["syncs"].size() == 1);
  }
  Syncs chain;
  for (int i = 0; i < 20'000; ++i) {
    chain.emplace_back("s" + std::to_string(i), "{ after: [s" + std::to_string((i + 19'999) % 20'000) + "] }");
  }
  f.write_config(chain, "");
  auto refused = f.post("/api/v1/config/reload");
  CHECK(refused.status == 400);
  CHECK(refused.body.find("form a cycle: s0 -> s19999 -> ") != std::string::npos);
  CHECK(f.get("/api/v1/syncs").json()["syncs"].size() == 1);
  CHECK(f.post("/api/v1/syncs/contacts/trigger").status == 202);
}

TEST_CASE("serve: failed runs raise one alert and a recovery end to end", "[serve][alerts]") {
  HttpTestServer receiver;
  ServedFixture f(Syncs{{"contacts", "manual"}},
                  "alerts:\n  - { type: webhook, url: \"" + receiver.url("/alerts") + "\", events: [run_failed] }\n");
  f.executor->set_outcome("contacts", state::RunPhase::Failed);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(f.post("/api/v1/syncs/contacts/trigger").status == 202);
    REQUIRE(f.service->scheduler().wait_idle(5s));
  }
  f.executor->set_outcome("contacts", state::RunPhase::Succeeded);
  REQUIRE(f.post("/api/v1/syncs/contacts/trigger").status == 202);
  REQUIRE(f.service->scheduler().wait_idle(5s));
  REQUIRE(f.service->alert_sender().flush(5s));
  auto requests = receiver.requests();
  REQUIRE(requests.size() == 2);
  CHECK(nlohmann::json::parse(requests[0].body)["status"] == "firing");
  CHECK(nlohmann::json::parse(requests[1].body)["status"] == "resolved");
}
