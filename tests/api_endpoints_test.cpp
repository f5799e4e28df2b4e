#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/api_fixture.h"
#include "tests/support/test_env.h"

using backflow::state::RecordResult;
using backflow::state::RunCounts;
using backflow::state::RunPhase;
using backflow::test::ApiFixture;
using backflow::test::now_ms;
using nlohmann::json;

namespace {

RunCounts counts(std::uint64_t added, std::uint64_t changed, std::uint64_t removed, std::uint64_t rejected) {
  RunCounts c;
  c.added = added;
  c.changed = changed;
  c.removed = removed;
  c.rejected = rejected;
  c.rows_read = 1000;
  return c;
}

}  // namespace

TEST_CASE("GET /syncs lists every sync with health, last run counts and history", "[api]") {
  ApiFixture api;
  const auto t0 = now_ms() - 3'600'000;
  api.add_finished_run("contacts", RunPhase::Succeeded, counts(5, 3, 1, 0), t0);
  api.add_finished_run("contacts", RunPhase::Failed, counts(0, 0, 0, 0), t0 + 60'000);
  api.add_finished_run("contacts", RunPhase::Succeeded, counts(12, 7, 2, 4), t0 + 120'000, 4200);

  auto reply = api.get("/api/v1/syncs");
  REQUIRE(reply.status == 200);
  CHECK(reply.headers["content-type"].find("application/json") == 0);
  json syncs = reply.json()["syncs"];
  REQUIRE(syncs.size() == 2);
  const json& contacts = syncs[0];
  CHECK(contacts["name"] == "contacts");
  CHECK(contacts["destination"] == "hubspot");
  CHECK(contacts["schedule"] == "*/15 * * * *");
  CHECK(contacts["health"] == "healthy");
  CHECK(contacts["state"] == "idle");
  CHECK(contacts["next_run_at_ms"].is_number());
  CHECK(contacts["last_run"]["counts"]["added"] == 12);
  CHECK(contacts["last_run"]["counts"]["changed"] == 7);
  CHECK(contacts["last_run"]["counts"]["removed"] == 2);
  CHECK(contacts["last_run"]["counts"]["rejected"] == 4);
  CHECK(contacts["last_run"]["duration_ms"] == 4200);
  REQUIRE(contacts["history"].size() == 3);
  CHECK(contacts["history"][0]["phase"] == "succeeded");  // oldest first
  CHECK(contacts["history"][1]["phase"] == "failed");
  CHECK(contacts["history"][2]["added"] == 12);
  CHECK(syncs[1]["name"] == "deals");
  CHECK(syncs[1]["health"] == "never_run");
  CHECK(syncs[1]["last_run"].is_null());
  CHECK(syncs[1]["next_run_at_ms"].is_null());
}

TEST_CASE("a sync's health follows its latest verdict, not cancelled or running runs", "[api]") {
  ApiFixture api;
  api.add_finished_run("deals", RunPhase::Blocked, {}, now_ms() - 10'000);
  CHECK(api.get("/api/v1/syncs/deals").json()["health"] == "blocked");
  api.add_finished_run("deals", RunPhase::Cancelled, {}, now_ms() - 5'000);
  CHECK(api.get("/api/v1/syncs/deals").json()["health"] == "blocked");
  api.add_finished_run("deals", RunPhase::Failed, {}, now_ms() - 4'000);
  auto trigger = api.post("/api/v1/syncs/deals/trigger");
  REQUIRE(trigger.status == 202);
  json deals = api.get("/api/v1/syncs/deals").json();
  CHECK(deals["health"] == "failing");
  CHECK(deals["state"] == "queued");
  CHECK(deals["current_run_id"] == trigger.json()["run_id"]);
}

TEST_CASE("GET /syncs/{name} returns one sync and 404 for an unknown one", "[api]") {
  ApiFixture api;
  auto reply = api.get("/api/v1/syncs/contacts");
  REQUIRE(reply.status == 200);
  CHECK(reply.json()["name"] == "contacts");
  CHECK(reply.json()["mode"] == "upsert");

  auto missing = api.get("/api/v1/syncs/nope%20here");
  CHECK(missing.status == 404);
  CHECK(missing.json()["error"]["code"] == "not_found");
  CHECK(missing.json()["error"]["message"] == "no sync named 'nope here'");
}

TEST_CASE("POST /syncs/{name}/trigger creates a run and a second trigger conflicts", "[api]") {
  ApiFixture api;
  auto reply = api.post("/api/v1/syncs/contacts/trigger", R"({"full_resync": true, "force": true})");
  REQUIRE(reply.status == 202);
  const std::string run_id = reply.json()["run_id"];
  auto stored = api.runs->get(run_id);
  REQUIRE(stored);
  CHECK(stored->sync == "contacts");
  CHECK(stored->full_resync);
  CHECK(stored->force);
  CHECK(reply.json()["run"]["phase"] == "queued");

  auto again = api.post("/api/v1/syncs/contacts/trigger");
  CHECK(again.status == 409);
  CHECK(again.json()["error"]["code"] == "conflict");
  CHECK(again.json()["error"]["message"].get<std::string>().find(run_id) != std::string::npos);

  auto plain = api.post("/api/v1/syncs/deals/trigger", "");
  REQUIRE(plain.status == 202);
  auto deals_run = api.runs->get(plain.json()["run_id"]);
  REQUIRE(deals_run);
  CHECK_FALSE(deals_run->full_resync);
  CHECK_FALSE(deals_run->force);

  CHECK(api.post("/api/v1/syncs/ghost/trigger").status == 404);
}

TEST_CASE("pause and resume flip the sync's paused flag and health", "[api]") {
  ApiFixture api;
  auto paused = api.post("/api/v1/syncs/contacts/pause");
  REQUIRE(paused.status == 200);
  CHECK(paused.json()["paused"] == true);
  CHECK(paused.json()["health"] == "paused");
  CHECK(paused.json()["next_run_at_ms"].is_null());
  CHECK(api.get("/api/v1/syncs/contacts").json()["paused"] == true);

  auto resumed = api.post("/api/v1/syncs/contacts/resume", "{}");
  REQUIRE(resumed.status == 200);
  CHECK(resumed.json()["paused"] == false);
  CHECK(api.post("/api/v1/syncs/ghost/pause").status == 404);
}

TEST_CASE("GET /syncs/{name}/runs pages newest first with a before-cursor", "[api]") {
  ApiFixture api;
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i) {
    ids.push_back(api.add_finished_run("contacts", RunPhase::Succeeded, counts(static_cast<std::uint64_t>(i), 0, 0, 0),
                                       now_ms() - 100'000 + i * 1000)
                      .id);
  }
  api.add_finished_run("deals", RunPhase::Succeeded, {}, now_ms());

  std::vector<std::string> seen;
  std::string path = "/api/v1/syncs/contacts/runs?limit=10";
  for (int page = 0; page < 5; ++page) {
    auto reply = api.get(path);
    REQUIRE(reply.status == 200);
    json body = reply.json();
    for (const auto& run : body["runs"]) {
      CHECK(run["sync"] == "contacts");
      seen.push_back(run["id"]);
    }
    if (body["next_before"].is_null()) break;
    path = "/api/v1/syncs/contacts/runs?limit=10&before=" + body["next_before"].get<std::string>();
  }
  std::vector<std::string> expected(ids.rbegin(), ids.rend());
  CHECK(seen == expected);

  CHECK(api.get("/api/v1/syncs/contacts/runs").json()["runs"].size() == 20);  // default page
  CHECK(api.get("/api/v1/syncs/contacts/runs?limit=1000").json()["runs"].size() == 25);
  CHECK(api.get("/api/v1/syncs/contacts/runs?limit=25").json()["next_before"].is_null());
  CHECK(api.get("/api/v1/syncs/ghost/runs").status == 404);
}

TEST_CASE("GET /runs/{id} returns the run with counts and phase timings", "[api]") {
  ApiFixture api;
  auto run = api.add_finished_run("contacts", RunPhase::Succeeded, counts(3, 2, 1, 1), now_ms() - 5000, 4000);
  auto reply = api.get("/api/v1/runs/" + run.id);
  REQUIRE(reply.status == 200);
  json body = reply.json();
  CHECK(body["id"] == run.id);
  CHECK(body["phase"] == "succeeded");
  CHECK(body["finished"] == true);
  CHECK(body["counts"]["rejected"] == 1);
  CHECK(body["phase_ms"]["snapshot"] == 2000);
  CHECK(body["duration_ms"] == 4000);
  CHECK(api.get("/api/v1/runs/run-99999999").status == 404);
}

TEST_CASE("POST /runs/{id}/cancel cancels an open run and refuses an ended one", "[api]") {
  ApiFixture api;
  const std::string run_id = api.post("/api/v1/syncs/contacts/trigger").json()["run_id"];
  auto reply = api.post("/api/v1/runs/" + run_id + "/cancel");
  REQUIRE(reply.status == 202);
  CHECK(reply.json()["cancel_requested"] == true);
  CHECK(api.get("/api/v1/runs/" + run_id).json()["phase"] == "cancelled");
  CHECK(api.post("/api/v1/runs/" + run_id + "/cancel").status == 409);
  CHECK(api.post("/api/v1/runs/run-77777777/cancel").status == 404);
  // The sync is free again.
  CHECK(api.post("/api/v1/syncs/contacts/trigger").status == 202);
}

TEST_CASE("GET /runs/{id}/records filters by status, finds by key and pages with a cursor", "[api]") {
  ApiFixture api;
  auto run = api.add_finished_run("contacts", RunPhase::Succeeded, counts(0, 0, 0, 30), now_ms());
  std::vector<RecordResult> results;
  for (int i = 0; i < 30; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "[%03d]", i);
    results.push_back(
        {key, i % 2 ? "changed" : "added", "rejected", 400, "email is invalid (" + std::to_string(i) + ")"});
  }
  for (int i = 0; i < 5; ++i) results.push_back({"[9" + std::to_string(i) + "]", "added", "invalid", 0, "no email"});
  api.records->add(run.id, run.started_at_ms, results, true);

  std::vector<std::string> keys;
  std::string path = "/api/v1/runs/" + run.id + "/records?status=rejected&limit=7";
  for (int page = 0; page < 10; ++page) {
    auto reply = api.get(path);
    REQUIRE(reply.status == 200);
    json body = reply.json();
    for (const auto& record : body["records"]) {
      CHECK(record["status"] == "rejected");
      keys.push_back(record["key"]);
    }
    if (body["next_cursor"].is_null()) break;
    path =
        "/api/v1/runs/" + run.id + "/records?status=rejected&limit=7&cursor=" + body["next_cursor"].get<std::string>();
  }
  REQUIRE(keys.size() == 30);
  CHECK(keys.front() == "[000]");
  CHECK(keys.back() == "[029]");
  CHECK(std::is_sorted(keys.begin(), keys.end()));

  CHECK(api.get("/api/v1/runs/" + run.id + "/records?status=invalid").json()["records"].size() == 5);
  CHECK(api.get("/api/v1/runs/" + run.id + "/records?limit=1000").json()["records"].size() == 35);

  auto found = api.get("/api/v1/runs/" + run.id + "/records?key=%5B017%5D");
  REQUIRE(found.status == 200);
  REQUIRE(found.json()["records"].size() == 1);
  json record = found.json()["records"][0];
  CHECK(record["key"] == "[017]");
  CHECK(record["op"] == "changed");
  CHECK(record["http_status"] == 400);
  CHECK(record["message"] == "email is invalid (17)");
  CHECK(api.get("/api/v1/runs/" + run.id + "/records?key=%5B017%5D&status=invalid").json()["records"].empty());
  CHECK(api.get("/api/v1/runs/" + run.id + "/records?key=nope").json()["records"].empty());
  CHECK(api.get("/api/v1/runs/run-55555555/records").status == 404);
}

TEST_CASE("GET /runs/{id}/errors groups a run's failed records by status and message, largest first", "[api]") {
  ApiFixture api;
  auto run = api.add_finished_run("contacts", RunPhase::Partial, counts(0, 0, 0, 0), now_ms());
  std::vector<RecordResult> results;
  for (int i = 0; i < 1500; ++i) {  // more than one page of 1,000
    char key[32];
    std::snprintf(key, sizeof key, "[%05d]", i);
    results.push_back({key, "added", i % 3 == 0 ? "undelivered" : "rejected", i % 3 == 0 ? 503 : 400,
                       i % 3 == 0 ? "HTTP 503: down" : (i % 3 == 1 ? "email is invalid" : "name is required")});
  }
  for (int i = 0; i < 20; ++i) results.push_back({"[2" + std::to_string(i) + "]", "changed", "undelivered", 503, "HTTP 503: down"});
  results.push_back({"[99999]", "added", "accepted", 200, ""});
  api.records->add(run.id, run.started_at_ms, results, true);
  auto reply = api.get("/api/v1/runs/" + run.id + "/errors");
  REQUIRE(reply.status == 200);
  json body = reply.json();
  CHECK(body["scanned"] == 1520);  // accepted records are not errors
  CHECK(body["complete"] == true);
  REQUIRE(body["groups"].size() == 3);
  CHECK(body["groups"][0]["count"] == 520);  // the largest group first
  CHECK(body["groups"][0]["status"] == "undelivered");
  CHECK(body["groups"][0]["message"] == "HTTP 503: down");
  CHECK(body["groups"][0]["example_key"] == "[00000]");
  CHECK(body["groups"][1]["count"] == 500);
  CHECK(body["groups"][1]["status"] == "rejected");
  std::uint64_t total = 0;
  for (const auto& group : body["groups"]) total += group["count"].get<std::uint64_t>();
  CHECK(total == 1520);
  CHECK(api.get("/api/v1/runs/run-55555555/errors").status == 404);
}

TEST_CASE("GET /syncs/{name}/records/{key} tells one record's story across runs, newest first", "[api]") {
  ApiFixture api;
  auto first = api.add_finished_run("contacts", RunPhase::Partial, counts(0, 0, 0, 1), now_ms() - 60'000);
  auto second = api.add_finished_run("contacts", RunPhase::Succeeded, counts(0, 0, 0, 0), now_ms());
  const std::string key = R"({"id":17})";
  api.records->add(first.id, first.started_at_ms, {{key, "added", "rejected", 400, "email is invalid"}}, true);
  api.records->add(second.id, second.started_at_ms, {{key, "changed", "accepted", 200, ""}}, true);
  api.records->add(second.id, second.started_at_ms, {{R"({"id":18})", "added", "accepted", 200, ""}}, true);
  auto reply = api.get("/api/v1/syncs/contacts/records/%7B%22id%22%3A17%7D");
  REQUIRE(reply.status == 200);
  json body = reply.json();
  CHECK(body["key"] == key);
  REQUIRE(body["history"].size() == 2);
  CHECK(body["history"][0]["run_id"] == second.id);
  CHECK(body["history"][0]["status"] == "accepted");
  CHECK(body["history"][1]["run_id"] == first.id);
  CHECK(body["history"][1]["message"] == "email is invalid");
  CHECK(body["history"][1]["run_phase"] == "partial");
  CHECK(api.get("/api/v1/syncs/contacts/records/nope").json()["history"].empty());
  CHECK(api.get("/api/v1/syncs/ghost/records/x").status == 404);
}

TEST_CASE("POST /syncs/{name}/records/retry revives the sync's dead records", "[api]") {
  ApiFixture api;
  api.failures->record_failure("contacts", "[1]", "run-1", "HTTP 400", 1);
  api.failures->record_failure("contacts", "[2]", "run-1", "HTTP 400", 1);
  api.failures->record_failure("contacts", "[3]", "run-1", "HTTP 503", 5);  // not dead yet
  auto reply = api.post("/api/v1/syncs/contacts/records/retry");
  REQUIRE(reply.status == 200);
  CHECK(reply.json()["revived"] == 2);
  CHECK_FALSE(api.failures->find("contacts", "[1]")->dead);
  CHECK(api.post("/api/v1/syncs/contacts/records/retry").json()["revived"] == 0);
  CHECK(api.post("/api/v1/syncs/ghost/records/retry").status == 404);
}

TEST_CASE("GET /destinations/{name}/requests returns the controller's request log", "[api]") {
  ApiFixture api;
  auto reply = api.get("/api/v1/destinations/hubspot/requests");
  REQUIRE(reply.status == 200);
  CHECK(reply.json()["destination"] == "hubspot");
  CHECK(reply.json()["requests"][0]["status"] == 200);
  CHECK(api.get("/api/v1/destinations/salesforce/requests").status == 404);
}

TEST_CASE("POST /config/reload reports success, or the refusal with the config's error", "[api]") {
  ApiFixture api;
  auto ok = api.post("/api/v1/config/reload");
  REQUIRE(ok.status == 200);
  CHECK(ok.json()["reloaded"] == true);
  CHECK(api.controller->reloads() == 1);

  api.controller->set_reload_error("backflow.yaml:12: unknown key 'shedule' (did you mean 'schedule'?)");
  auto refused = api.post("/api/v1/config/reload");
  CHECK(refused.status == 400);
  CHECK(refused.json()["error"]["code"] == "invalid_config");
  CHECK(refused.json()["error"]["message"].get<std::string>().find("shedule") != std::string::npos);
  CHECK(api.controller->reloads() == 1);
}

TEST_CASE("/healthz is always ok, /readyz follows the controller", "[api]") {
  ApiFixture api;
  CHECK(api.get("/healthz").status == 200);
  CHECK(api.get("/api/v1/healthz").json()["status"] == "ok");
  CHECK(api.get("/readyz").status == 200);
  api.controller->set_ready(false);
  auto reply = api.get("/readyz");
  CHECK(reply.status == 503);
  CHECK(reply.json()["status"] == "not_ready");
}

TEST_CASE("the dashboard's files are served with their content types", "[api]") {
  ApiFixture api;
  auto index = api.get("/");
  REQUIRE(index.status == 200);
  CHECK(index.headers["content-type"] == "text/html; charset=utf-8");
  CHECK(index.body.find("<!doctype html>") == 0);
  CHECK(index.headers["content-security-policy"].find("default-src 'self'") != std::string::npos);
  auto script = api.get("/assets/app.js");
  REQUIRE(script.status == 200);
  CHECK(script.headers["content-type"] == "text/javascript; charset=utf-8");
  auto style = api.get("/assets/style.css");
  REQUIRE(style.status == 200);
  CHECK(style.headers["content-type"] == "text/css; charset=utf-8");
  CHECK(api.get("/assets/nothing.js").status == 404);
  CHECK(api.get("/assets/../CMakeLists.txt").status == 404);
  CHECK(api.post("/").status == 405);
}

TEST_CASE("the embedded dashboard files are byte for byte the ones in the source tree", "[api]") {
  ApiFixture api;
  for (const auto& entry :
       std::filesystem::directory_iterator(backflow::test::source_dir() / "service/dashboard/assets")) {
    const std::string name = entry.path().filename().string();
    INFO(name);
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    auto reply = api.get("/assets/" + name);
    CHECK(reply.status == 200);
    CHECK(reply.body == content.str());
  }
}
