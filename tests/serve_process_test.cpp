// `backflow serve` as a real process: SIGHUP reloads (a bad config is
// refused and logged, the old one stays), SIGTERM ends it with exit 0, its
// logs hold no secrets, and a real Prometheus server (Debian's package)
// scrapes its /metrics.
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/api_fixture.h"
#include "tests/scheduler_fixture.h"
#include "tests/serve_process.h"
#include "tests/support/test_env.h"

using namespace backflow::test;
using namespace std::chrono_literals;

namespace {

const std::string kToken = "tok-7f3a9c-secret";

std::string serve_config(const std::filesystem::path& dir, int port,
                         const std::vector<std::pair<std::string, std::string>>& syncs) {
  return config_yaml_with_syncs(syncs, "state_dir: " + (dir / "state").string() + "\nserver: { listen: \"127.0.0.1:" +
                                           std::to_string(port) + "\", auth_token: \"" + kToken +
                                           "\", shutdown_grace: 5s }\n");
}

std::size_t sync_count(const std::string& base) {
  auto reply = http_request("GET", base + "/api/v1/syncs", "", kToken);
  return reply.status == 200 ? reply.json()["syncs"].size() : 0;
}

}  // namespace

TEST_CASE("serve process: SIGHUP reloads and refuses a bad config and SIGTERM exits 0", "[serve][process]") {
  auto dir = make_temp_dir("serve-process");
  int port = free_tcp_port();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto config_file = dir / "backflow.yaml";
  std::ofstream(config_file) << serve_config(dir, port, {{"contacts", "manual"}});
  ChildProcess serve({backflow_binary().string(), "serve", "-c", config_file.string()}, dir / "serve.log");
  REQUIRE(wait_for_http_ok(base + "/healthz", 10s));
  CHECK(http_request("GET", base + "/api/v1/syncs").status == 401);
  CHECK(sync_count(base) == 1);

  std::ofstream(config_file) << serve_config(dir, port, {{"contacts", "manual"}, {"deals", "{ every: 1h }"}});
  serve.signal(SIGHUP);
  CHECK(eventually([&] { return sync_count(base) == 2; }, 5s));

  std::ofstream(config_file) << serve_config(dir, port, {{"contacts", "manual"}}) << "  bad:\n    shedule: manual\n";
  serve.signal(SIGHUP);
  CHECK(eventually([&] { return serve.output().find("config reload refused") != std::string::npos; }, 5s));
  CHECK(serve.output().find("unknown key 'shedule'") != std::string::npos);
  CHECK(sync_count(base) == 2);

  serve.signal(SIGTERM);
  auto code = serve.wait_exit(10s);
  REQUIRE(code);
  CHECK(*code == 0);
  auto log = serve.output();
  INFO(log);
  CHECK(log.find("level=info stopped") != std::string::npos);
  CHECK(log.find(kToken) == std::string::npos);
}

TEST_CASE("serve process: a second instance on the same state is refused", "[serve][process]") {
  auto dir = make_temp_dir("serve-twice");
  int port = free_tcp_port();
  auto config_file = dir / "backflow.yaml";
  std::ofstream(config_file) << serve_config(dir, port, {{"contacts", "manual"}});
  ChildProcess first({backflow_binary().string(), "serve", "-c", config_file.string()}, dir / "first.log");
  REQUIRE(wait_for_http_ok("http://127.0.0.1:" + std::to_string(port) + "/healthz", 10s));
  ChildProcess second({backflow_binary().string(), "serve", "-c", config_file.string(), "--listen",
                       "127.0.0.1:" + std::to_string(free_tcp_port())},
                      dir / "second.log");
  auto code = second.wait_exit(10s);
  REQUIRE(code);
  CHECK(*code == 1);
  first.signal(SIGTERM);
  CHECK(first.wait_exit(10s) == 0);
}

TEST_CASE("serve process: bad arguments exit 2", "[serve][process]") {
  auto dir = make_temp_dir("serve-usage");
  auto bad_shard = run_command(shell_quote(backflow_binary().string()) + " serve -c x.yaml --shard 3/3");
  CHECK(bad_shard.exit_code == 2);
  CHECK(bad_shard.output.find("invalid shard '3/3'") != std::string::npos);
  std::ofstream(dir / "bad.yaml") << "version: 1\nsyncs:\n  a:\n    shedule: manual\n";
  auto bad_config = run_command(shell_quote(backflow_binary().string()) + " serve -c " +
                                shell_quote((dir / "bad.yaml").string()));
  CHECK(bad_config.exit_code == 2);
}

TEST_CASE("serve process: a real Prometheus scrapes /metrics", "[serve][prometheus]") {
  const std::filesystem::path prometheus = "/usr/bin/prometheus";
  INFO("needs Debian's prometheus package (scripts/setup.sh installs it)");
  REQUIRE(std::filesystem::exists(prometheus));
  auto dir = make_temp_dir("serve-prometheus");
  int port = free_tcp_port();
  auto config_file = dir / "backflow.yaml";
  std::ofstream(config_file) << serve_config(dir, port, {{"contacts", "{ every: 1h }"}});
  ChildProcess serve({backflow_binary().string(), "serve", "-c", config_file.string()}, dir / "serve.log");
  REQUIRE(wait_for_http_ok("http://127.0.0.1:" + std::to_string(port) + "/healthz", 10s));

  int prometheus_port = free_tcp_port();
  std::ofstream(dir / "prometheus.yml") << "global: { scrape_interval: 1s, evaluation_interval: 1s }\n"
                                           "scrape_configs:\n"
                                           "  - job_name: backflow\n"
                                           "    authorization: { type: Bearer, credentials: \""
                                        << kToken << "\" }\n"
                                                     "    static_configs: [ { targets: [ \"127.0.0.1:"
                                        << port << "\" ] } ]\n";
  ChildProcess scraper({prometheus.string(), "--config.file=" + (dir / "prometheus.yml").string(),
                        "--storage.tsdb.path=" + (dir / "tsdb").string(),
                        "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port)},
                       dir / "prometheus.log");
  std::string query = "http://127.0.0.1:" + std::to_string(prometheus_port) + "/api/v1/query?query=";
  nlohmann::json found;
  bool scraped = eventually(
      [&] {
        HttpReply reply;
        try {
          reply = http_request("GET", query + "backflow_runs_total");
        } catch (const std::exception&) {
          return false;  // Prometheus is still starting
        }
        if (reply.status != 200) return false;
        found = reply.json();
        return !found["data"]["result"].empty();
      },
      30s);
  INFO(scraper.output());
  REQUIRE(scraped);
  auto series = found["data"]["result"][0]["metric"];
  CHECK(series["__name__"] == "backflow_runs_total");
  CHECK(series["sync"] == "contacts");
  CHECK(series["job"] == "backflow");
  auto up = http_request("GET", query + "up").json();
  REQUIRE(up["data"]["result"].size() == 1);
  CHECK(up["data"]["result"][0]["value"][1] == "1");

  scraper.signal(SIGTERM);
  CHECK(scraper.wait_exit(20s));
  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(10s) == 0);
}
