// Every configured secret, searched for in everything a user or an attacker
// can read after runs against destinations that fail and echo what they were
// sent: `run` output (text and --json), `status`, the service's API answers
// and log, and every file of the state directory. In raw, JSON-escaped and
// URL-encoded form.
#include <csignal>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/text.h"
#include "odbc/connection.h"
#include "tests/api_fixture.h"
#include "tests/serve_process.h"
#include "tests/support/http_test_server.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::test;
using namespace std::chrono_literals;

namespace {

// Secrets with characters that escaping and encoding change.
const std::string kHubSpotToken = "pat-na1/Hub+Spot=token-0001";
const std::string kWebhookSecret = "whsec/web+hook=secret-0002";
const std::string kApiToken = "api/admin+token=secret-0003";
const std::string kOperateToken = "api/ops+token=secret-0004";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "" when no form of any secret occurs in `text`, else what was found.
std::string leaks_in(const std::string& text, const std::string& where) {
  std::string found;
  for (const std::string& secret : {kHubSpotToken, kWebhookSecret, kApiToken, kOperateToken}) {
    for (const std::string& form : text::echoed_forms(secret)) {
      if (text.find(form) != std::string::npos) found += where + " holds " + form + "\n";
    }
  }
  return found;
}

}  // namespace

TEST_CASE("secrets: no form of any secret in run output, status, the API, the log or the state files",
          "[secrets][hostile]") {
  const auto dir = make_temp_dir("secrets");
  {
    auto model = odbc::Connection::open(sqlite_connection_string(dir / "model.db"), "model");
    model.execute("create table people (id integer primary key, email text, name text)");
    for (int i = 1; i <= 12; ++i) {
      model.execute("insert into people values (?, ?, ?)",
                    {Value::integer(i), Value::text("p" + std::to_string(i) + "@example.com"), Value::text("P")});
    }
  }
  // Destinations that refuse and echo what they were sent, in every form.
  HttpTestServer vendor([](const ReceivedRequest& request) {
    const std::string credential = request.header("authorization") + " " + request.header("x-backflow-signature");
    const std::string echoed = nlohmann::json(credential).dump() + " " + text::percent_encode(credential);
    if (request.target.find("/crm") == 0) {
      return ServerReply::json(401, R"({"status":"error","category":"INVALID_AUTHENTICATION","message":)" +
                                        nlohmann::json("bad token " + request.header("authorization")).dump() +
                                        R"(,"echo":)" + nlohmann::json(echoed).dump() + "}");
    }
    return ServerReply::json(500, R"({"message":)" + nlohmann::json("signature " + echoed).dump() + "}");
  });
  const int port = free_tcp_port();
  const auto config = dir / "backflow.yaml";
  std::ofstream(config) << "version: 1\n"
                        << "state_dir: " << (dir / "state").string() << "\n"
                        << "server:\n  listen: \"127.0.0.1:" << port << "\"\n  auth_token: \"" << kApiToken
                        << "\"\n  tokens: [ { name: ci, token: \"" << kOperateToken << "\", role: operate } ]\n"
                        << "warehouses:\n  model: { connection: " << nlohmann::json(sqlite_connection_string(dir / "model.db"))
                        << ", dialect: sqlite }\n"
                        << "destinations:\n"
                        << "  crm: { type: hubspot, token: \"${HUBSPOT_TOKEN}\", base_url: \"" << vendor.url("/crm")
                        << "\", retry: { max_attempts: 1 } }\n"
                        << "  hook: { type: webhook, url: \"" << vendor.url("/hook?token=" + text::percent_encode(kWebhookSecret))
                        << "\", secret: \"${file:" << (dir / "webhook.secret").string()
                        << "}\", retry: { max_attempts: 1 } }\n"
                        << "syncs:\n"
                        << "  to_crm:\n    source: { warehouse: model, table: people, primary_key: id }\n"
                        << "    destination: { name: crm, object: contacts, mode: upsert, match_on: { field: email, column: email } }\n"
                        << "    mapping: { email: email, firstname: name }\n    schedule: manual\n"
                        << "  to_hook:\n    source: { warehouse: model, table: people, primary_key: id }\n"
                        << "    destination: { name: hook, mode: upsert }\n    mapping: { email: email }\n"
                        << "    schedule: manual\n";
  std::ofstream(dir / "webhook.secret") << kWebhookSecret << "\n";
  const std::string env = "HUBSPOT_TOKEN=" + shell_quote(kHubSpotToken) + " ";
  const std::string binary = shell_quote(backflow_binary().string());
  const std::string config_arg = " -c " + shell_quote(config.string());

  std::string leaks;
  for (const std::string sync : {"to_crm", "to_hook"}) {
    for (const std::string flags : {"", " --json"}) {
      auto run = run_command(env + binary + " run" + config_arg + " " + sync + flags + " 2>&1");
      INFO(run.output);
      CHECK(run.output.find(sync) != std::string::npos);
      leaks += leaks_in(run.output, "run " + sync + flags);
    }
  }
  auto status = run_command(env + binary + " status" + config_arg + " --json 2>&1");
  CHECK(status.exit_code == 0);
  leaks += leaks_in(status.output, "status");
  auto validate = run_command(env + binary + " validate" + config_arg + " --check-sources 2>&1");
  leaks += leaks_in(validate.output, "validate");

  {
    ChildProcess serve({"/usr/bin/env", "HUBSPOT_TOKEN=" + kHubSpotToken, backflow_binary().string(), "serve", "-c",
                        config.string()},
                       dir / "serve.log");
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    REQUIRE(wait_for_http_ok(base + "/healthz", 10s));
    for (const std::string sync : {"to_crm", "to_hook"}) {
      CHECK(http_request("POST", base + "/api/v1/syncs/" + sync + "/trigger", "", kOperateToken).status == 202);
    }
    REQUIRE(eventually(
        [&] {
          auto syncs = http_request("GET", base + "/api/v1/syncs", "", kApiToken).json();
          for (const auto& sync : syncs["syncs"]) {
            if (sync["state"] == "running" || sync["state"] == "queued") return false;
          }
          return true;
        },
        20s));
    std::vector<std::string> paths = {"/api/v1/syncs", "/api/v1/syncs/to_crm", "/api/v1/syncs/to_hook",
                                      "/api/v1/syncs/to_crm/runs", "/api/v1/syncs/to_hook/runs",
                                      "/api/v1/destinations/crm/requests", "/api/v1/destinations/hook/requests",
                                      "/api/v1/audit", "/metrics"};
    const auto runs = http_request("GET", base + "/api/v1/syncs/to_crm/runs", "", kApiToken).json();
    for (const auto& run : runs["runs"]) {
      paths.push_back("/api/v1/runs/" + run["id"].get<std::string>());
      paths.push_back("/api/v1/runs/" + run["id"].get<std::string>() + "/records");
    }
    for (const auto& path : paths) {
      auto reply = http_request("GET", base + path, "", kApiToken);
      CHECK(reply.status == 200);
      leaks += leaks_in(reply.body, "GET " + path);
    }
    auto requests = http_request("GET", base + "/api/v1/destinations/crm/requests", "", kApiToken).body;
    CHECK(requests.find("[REDACTED]") != std::string::npos);  // the exchanges are there, blanked
    serve.signal(SIGTERM);
    CHECK(serve.wait_exit(30s) == 0);
    leaks += leaks_in(serve.output(), "the serve log");
  }
  CHECK(vendor.request_count() >= 4);  // the vendors did see (and echo) the secrets
  // The search finds what is there: the config file holds the API token.
  CHECK(leaks_in(read_file(config), "the config") != "");
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir / "state")) {
    if (entry.is_regular_file()) leaks += leaks_in(read_file(entry.path()), entry.path().filename().string());
  }
  CHECK(leaks == "");
}
