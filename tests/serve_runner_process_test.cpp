// `backflow serve` runs syncs for real: a run triggered over the API goes
// through the sync runner to a real webhook receiver (`backflow receive`),
// reading the embedded SQLite sample warehouse.
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/api_fixture.h"
#include "tests/serve_process.h"
#include "tests/support/test_env.h"

using namespace backflow::test;
using namespace std::chrono_literals;

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// deploy/examples/embedded.yaml pointed at `dir`, with both syncs manual;
// `destination_extra` is appended to the webhook destination's keys.
std::filesystem::path embedded_config(const std::filesystem::path& dir, int serve_port, int receiver_port,
                                      const std::string& destination_extra = "") {
  std::stringstream text;
  text << std::ifstream(source_dir() / "deploy/examples/embedded.yaml").rdbuf();
  std::string yaml = text.str();
  replace_all(yaml, "${BACKFLOW_SAMPLE_DB}", (dir / "sample.db").string());
  replace_all(yaml, "${BACKFLOW_DEMO_WEBHOOK_URL}", "http://127.0.0.1:" + std::to_string(receiver_port) + "/hook");
  replace_all(yaml, "./backflow-state", (dir / "state").string());
  replace_all(yaml, "127.0.0.1:8080", "127.0.0.1:" + std::to_string(serve_port));
  replace_all(yaml, "schedule: { every: 10m }", "schedule: manual");
  replace_all(yaml, "schedule: { after: [customers_to_crm] }", "schedule: manual");
  if (!destination_extra.empty()) replace_all(yaml, "    batch_size: 100\n", "    batch_size: 100\n" + destination_extra);
  auto file = dir / "backflow.yaml";
  std::ofstream(file) << yaml;
  return file;
}

std::size_t received_customers(const std::filesystem::path& store) {
  std::ifstream in(store);
  if (!in) return 0;
  try {
    const nlohmann::json records = nlohmann::json::parse(in);
    std::size_t count = 0;
    for (auto it = records.begin(); it != records.end(); ++it) {
      if (it.key().find("customer_id") != std::string::npos) ++count;
    }
    return count;
  } catch (const std::exception&) {
    return 0;  // rewritten while read
  }
}

std::string run_phase(const std::string& base, const std::string& run_id) {
  auto reply = http_request("GET", base + "/api/v1/runs/" + run_id);
  return reply.status == 200 ? reply.json().value("phase", "") : "";
}

std::size_t sample_customers(const std::filesystem::path& dir) {
  auto make = run_command(shell_quote((source_dir() / "deploy/sample/make_warehouse.sh").string()) + " " +
                          shell_quote((dir / "sample.db").string()));
  REQUIRE(make.exit_code == 0);
  auto count = run_command("sqlite3 " + shell_quote((dir / "sample.db").string()) +
                           " 'select count(*) from customer_profiles'");
  REQUIRE(count.exit_code == 0);
  return std::stoul(count.output);
}

ChildProcess start_receiver(const std::filesystem::path& dir, int port) {
  return ChildProcess({backflow_binary().string(), "receive", "--listen", "127.0.0.1:" + std::to_string(port),
                       "--secret", "demo-signing-secret", "--store", (dir / "received.json").string()},
                      dir / "receiver.log");
}

}  // namespace

TEST_CASE("serve runner: a sync triggered over the API runs to success and the receiver holds every row",
          "[serve][process][serve_runner]") {
  auto dir = make_temp_dir("serve-runner");
  const std::size_t customers = sample_customers(dir);
  REQUIRE(customers > 0);

  int receiver_port = free_tcp_port();
  ChildProcess receiver = start_receiver(dir, receiver_port);
  int port = free_tcp_port();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto config = embedded_config(dir, port, receiver_port);
  ChildProcess serve({backflow_binary().string(), "serve", "-c", config.string()}, dir / "serve.log");
  REQUIRE(wait_for_http_ok(base + "/healthz", 10s));

  auto triggered = http_request("POST", base + "/api/v1/syncs/customers_to_crm/trigger", "{}");
  INFO(triggered.body);
  REQUIRE(triggered.status / 100 == 2);
  const std::string run_id = triggered.json().at("run_id").get<std::string>();
  INFO(serve.output());
  REQUIRE(eventually([&] { return run_phase(base, run_id) == "succeeded"; }, 30s));
  auto run = http_request("GET", base + "/api/v1/runs/" + run_id).json();
  CHECK(run["counts"]["accepted"].get<std::size_t>() == customers);
  CHECK(received_customers(dir / "received.json") == customers);

  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(10s) == 0);
  receiver.signal(SIGTERM);
}

TEST_CASE("serve runner: SIGTERM in the middle of a run exits 0 and the restarted service finishes it",
          "[serve][process][serve_runner]") {
  auto dir = make_temp_dir("serve-runner-sigterm");
  const std::size_t customers = sample_customers(dir);
  REQUIRE(customers >= 1000);
  int receiver_port = free_tcp_port();
  ChildProcess receiver = start_receiver(dir, receiver_port);
  int port = free_tcp_port();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  // 100 records per request at 20 requests/s: the delivery takes a few seconds.
  auto config = embedded_config(dir, port, receiver_port, "    rate_limit: { requests: 20, per: 1s }\n");

  std::string run_id;
  {
    ChildProcess serve({backflow_binary().string(), "serve", "-c", config.string()}, dir / "serve-1.log");
    REQUIRE(wait_for_http_ok(base + "/healthz", 10s));
    auto triggered = http_request("POST", base + "/api/v1/syncs/customers_to_crm/trigger", "{}");
    REQUIRE(triggered.status / 100 == 2);
    run_id = triggered.json().at("run_id").get<std::string>();
    REQUIRE(eventually([&] { return received_customers(dir / "received.json") >= 500; }, 30s));
    serve.signal(SIGTERM);
    INFO(serve.output());
    CHECK(serve.wait_exit(15s) == 0);
  }
  REQUIRE(received_customers(dir / "received.json") < customers);

  ChildProcess serve({backflow_binary().string(), "serve", "-c", config.string()}, dir / "serve-2.log");
  REQUIRE(wait_for_http_ok(base + "/healthz", 10s));
  INFO(serve.output());
  REQUIRE(eventually([&] { return run_phase(base, run_id) == "succeeded"; }, 60s));
  auto run = http_request("GET", base + "/api/v1/runs/" + run_id).json();
  CHECK(run["counts"]["added"].get<std::size_t>() == customers);
  CHECK(received_customers(dir / "received.json") == customers);
  // The resumed run was the only one: nothing was started over.
  auto runs = http_request("GET", base + "/api/v1/syncs/customers_to_crm/runs").json();
  REQUIRE(runs["runs"].size() == 1);
  CHECK(runs["runs"][0]["id"] == run_id);
  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(15s) == 0);
  receiver.signal(SIGTERM);
}
