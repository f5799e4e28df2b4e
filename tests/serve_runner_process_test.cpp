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

// The embedded example on a fresh sample warehouse, with its receiver running
// and the config written; serve() starts `backflow serve` on it.
struct EmbeddedSetup {
  explicit EmbeddedSetup(const std::string& label, const std::string& destination_extra = "")
      : dir(make_temp_dir(label)),
        customers(sample_customers(dir)),
        receiver_port(free_tcp_port()),
        receiver(start_receiver(dir, receiver_port)),
        port(free_tcp_port()),
        base("http://127.0.0.1:" + std::to_string(port)),
        config(embedded_config(dir, port, receiver_port, destination_extra)) {}

  ChildProcess serve(const std::string& log_name) const {
    return ChildProcess({backflow_binary().string(), "serve", "-c", config.string()}, dir / log_name);
  }

  std::filesystem::path dir;
  std::size_t customers;
  int receiver_port;
  ChildProcess receiver;
  int port;
  std::string base;
  std::filesystem::path config;
};

}  // namespace

TEST_CASE("serve runner: a sync triggered over the API runs to success and the receiver holds every row",
          "[serve][process][serve_runner]") {
  EmbeddedSetup setup("serve-runner");
  REQUIRE(setup.customers > 0);
  ChildProcess serve = setup.serve("serve.log");
  REQUIRE(wait_for_http_ok(setup.base + "/healthz", 10s));

  auto triggered = http_request("POST", setup.base + "/api/v1/syncs/customers_to_crm/trigger", "{}");
  INFO(triggered.body);
  REQUIRE(triggered.status / 100 == 2);
  const std::string run_id = triggered.json().at("run_id").get<std::string>();
  INFO(serve.output());
  REQUIRE(eventually([&] { return run_phase(setup.base, run_id) == "succeeded"; }, 30s));
  auto run = http_request("GET", setup.base + "/api/v1/runs/" + run_id).json();
  CHECK(run["counts"]["accepted"].get<std::size_t>() == setup.customers);
  CHECK(received_customers(setup.dir / "received.json") == setup.customers);

  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(10s) == 0);
}

TEST_CASE("serve runner: SIGTERM in the middle of a run exits 0 and the restarted service finishes it",
          "[serve][process][serve_runner]") {
  // 100 records per request at 20 requests/s: the delivery takes a few seconds.
  EmbeddedSetup setup("serve-runner-sigterm", "    rate_limit: { requests: 20, per: 1s }\n");
  REQUIRE(setup.customers >= 1000);
  const auto received = setup.dir / "received.json";

  std::string run_id;
  {
    ChildProcess serve = setup.serve("serve-1.log");
    REQUIRE(wait_for_http_ok(setup.base + "/healthz", 10s));
    auto triggered = http_request("POST", setup.base + "/api/v1/syncs/customers_to_crm/trigger", "{}");
    REQUIRE(triggered.status / 100 == 2);
    run_id = triggered.json().at("run_id").get<std::string>();
    REQUIRE(eventually([&] { return received_customers(received) >= 500; }, 30s));
    serve.signal(SIGTERM);
    INFO(serve.output());
    CHECK(serve.wait_exit(15s) == 0);
  }
  REQUIRE(received_customers(received) < setup.customers);

  ChildProcess serve = setup.serve("serve-2.log");
  REQUIRE(wait_for_http_ok(setup.base + "/healthz", 10s));
  INFO(serve.output());
  REQUIRE(eventually([&] { return run_phase(setup.base, run_id) == "succeeded"; }, 60s));
  auto run = http_request("GET", setup.base + "/api/v1/runs/" + run_id).json();
  CHECK(run["counts"]["added"].get<std::size_t>() == setup.customers);
  CHECK(received_customers(received) == setup.customers);
  // The resumed run was the only one: nothing was started over.
  auto runs = http_request("GET", setup.base + "/api/v1/syncs/customers_to_crm/runs").json();
  REQUIRE(runs["runs"].size() == 1);
  CHECK(runs["runs"][0]["id"] == run_id);
  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(15s) == 0);
}

TEST_CASE("serve runner: backflow run goes through the service that holds the state", "[serve][process][serve_runner]") {
  EmbeddedSetup setup("serve-runner-cli");
  ChildProcess serve = setup.serve("serve.log");
  REQUIRE(wait_for_http_ok(setup.base + "/healthz", 10s));

  const std::string run =
      shell_quote(backflow_binary().string()) + " run -c " + shell_quote(setup.config.string()) + " ";
  auto through = run_command(run + "customers_to_crm");
  INFO(through.output);
  CHECK(through.exit_code == 0);
  CHECK(through.output.find("running customers_to_crm through its API at " + setup.base) != std::string::npos);
  CHECK(through.output.find("succeeded") != std::string::npos);
  CHECK(received_customers(setup.dir / "received.json") == setup.customers);
  auto runs = http_request("GET", setup.base + "/api/v1/syncs/customers_to_crm/runs").json();
  REQUIRE(runs["runs"].size() == 1);
  CHECK(runs["runs"][0]["trigger"] == "api");

  auto json = run_command(run + "customers_to_crm --json");
  INFO(json.output);
  CHECK(json.exit_code == 0);
  auto document = nlohmann::json::parse(json.output.substr(json.output.find('{')), nullptr, false);
  REQUIRE_FALSE(document.is_discarded());
  CHECK(document["phase"] == "succeeded");
  CHECK(document["counts"]["added"] == 0);  // nothing changed since the first run

  auto dry = run_command(run + "customers_to_crm --dry-run");
  CHECK(dry.exit_code == 1);
  CHECK(dry.output.find("a dry run cannot go through the service") != std::string::npos);
  CHECK(dry.output.find("api=" + setup.base) != std::string::npos);

  // status asks the service too, with the same report as from the state.
  const std::string status =
      shell_quote(backflow_binary().string()) + " status -c " + shell_quote(setup.config.string()) + " ";
  auto shown = run_command(status + "customers_to_crm");
  INFO(shown.output);
  CHECK(shown.exit_code == 0);
  CHECK(shown.output.find("(from backflow serve at " + setup.base) != std::string::npos);
  CHECK(shown.output.find("customers_to_crm  succeeded  failing records 0, dead 0") != std::string::npos);
  CHECK(shown.output.find(runs["runs"][0]["id"].get<std::string>()) != std::string::npos);
  auto shown_json = run_command(status + "--json 2>/dev/null");
  auto listed = nlohmann::json::parse(shown_json.output, nullptr, false);
  REQUIRE(listed.is_array());
  CHECK(listed.size() == 2);
  CHECK(listed[0]["runs"].size() == 2);

  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(15s) == 0);
}
