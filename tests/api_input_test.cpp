#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "service/api/request_target.h"
#include "tests/api_fixture.h"

using backflow::test::ApiFixture;
using backflow::test::http_request;
using nlohmann::json;

namespace {
std::string error_code(const backflow::test::HttpReply& reply) { return reply.json()["error"]["code"]; }
}  // namespace

TEST_CASE("bad request bodies get 400 and change nothing", "[api][input]") {
  ApiFixture api;
  const std::string trigger = "/api/v1/syncs/contacts/trigger";
  auto bad_json = api.post(trigger, "{\"full_resync\": tru");
  CHECK(bad_json.status == 400);
  CHECK(error_code(bad_json) == "bad_json");
  CHECK(api.post(trigger, "[true]").status == 400);
  CHECK(api.post(trigger, "\"x\"").status == 400);
  auto wrong_type = api.post(trigger, R"({"full_resync": "yes"})");
  CHECK(wrong_type.status == 400);
  CHECK(wrong_type.json()["error"]["message"] == "'full_resync' must be true or false");
  auto unknown = api.post(trigger, R"({"fullresync": true})");
  CHECK(unknown.status == 400);
  CHECK(unknown.json()["error"]["message"] == "unknown field 'fullresync' in the request body");
  CHECK(api.post("/api/v1/syncs/contacts/pause", "{oops").status == 400);
  CHECK(api.post("/api/v1/config/reload", R"({"now": 1})").status == 400);
  CHECK(api.runs->list("contacts", 10).empty());
  CHECK(api.get("/api/v1/syncs/contacts").json()["paused"] == false);
}

TEST_CASE("wrong methods get 405 with an Allow header", "[api][input]") {
  ApiFixture api;
  auto get_trigger = api.get("/api/v1/syncs/contacts/trigger");
  CHECK(get_trigger.status == 405);
  CHECK(get_trigger.headers["allow"] == "POST");
  CHECK(error_code(get_trigger) == "method_not_allowed");
  auto post_syncs = api.post("/api/v1/syncs");
  CHECK(post_syncs.status == 405);
  CHECK(post_syncs.headers["allow"] == "GET");
  CHECK(http_request("DELETE", api.base_url + "/api/v1/runs/run-00000001").status == 405);
  CHECK(http_request("PUT", api.base_url + "/api/v1/config/reload").status == 405);
  CHECK(api.post("/healthz").status == 405);
}

TEST_CASE("unknown paths get 404 and malformed ones 400", "[api][input]") {
  ApiFixture api;
  auto unknown = api.get("/api/v1/widgets");
  CHECK(unknown.status == 404);
  CHECK(error_code(unknown) == "not_found");
  CHECK(api.get("/api/v2/syncs").status == 404);
  CHECK(api.get("/api/v1/syncs/contacts/runs/extra/segments").status == 404);
  CHECK(api.get("/favicon.ico").status == 404);
  // Malformed percent-encoding in the path is refused by the router.
  CHECK(api.get("/api/v1/syncs/bad%zzname").status == 400);
}

TEST_CASE("bad query parameters get 400 naming the parameter", "[api][input]") {
  ApiFixture api;
  const std::string runs = "/api/v1/syncs/contacts/runs";
  for (const std::string query : {"?limit=abc", "?limit=0", "?limit=1001", "?limit=-5", "?limit=10x",
                                  "?limit=", "?limit=99999999999999999999999", "?before=yesterday", "?limit=%zz"}) {
    INFO(query);
    auto reply = api.get(runs + query);
    CHECK(reply.status == 400);
  }
  CHECK(api.get(runs + "?limit=abc").json()["error"]["message"] == "'limit' must be a whole number, got 'abc'");
  CHECK(api.get(runs + "?limit=1001").json()["error"]["message"] == "'limit' must be between 1 and 1000, got 1001");

  auto run = api.add_finished_run("contacts", backflow::state::RunPhase::Succeeded, {}, backflow::test::now_ms());
  const std::string records = "/api/v1/runs/" + run.id + "/records";
  CHECK(api.get(records + "?status=exploded").status == 400);
  CHECK(api.get(records + "?cursor=xyz").status == 400);
  CHECK(api.get(records + "?cursor=abc").status == 400);
  CHECK(api.get(records + "?limit=2000").status == 400);
  CHECK(api.get(records + "?status=rejected&limit=5").status == 200);
}

TEST_CASE("request bodies over 64 KiB get 413", "[api][input]") {
  ApiFixture api;
  std::string big = "{\"full_resync\": true, \"pad\": \"" + std::string(70 * 1024, 'x') + "\"}";
  auto reply = api.post("/api/v1/syncs/contacts/trigger", big);
  CHECK(reply.status == 413);
  CHECK(error_code(reply) == "body_too_large");
  CHECK(api.runs->list("contacts", 10).empty());
  // Just under the limit is read, and judged on its content.
  std::string fits = "{\"pad\": \"" + std::string(60 * 1024, 'x') + "\"}";
  CHECK(api.post("/api/v1/syncs/contacts/trigger", fits).status == 400);
  // The server is still fine.
  CHECK(api.get("/api/v1/syncs").status == 200);
}

TEST_CASE("percent-decoding keeps encoded slashes inside a segment", "[api][input]") {
  using backflow::api::split_path;
  CHECK(split_path("/api/v1/syncs/a%2Fb/") == std::vector<std::string>{"api", "v1", "syncs", "a/b"});
  CHECK(split_path("//x//y") == std::vector<std::string>{"x", "y"});
  CHECK_FALSE(backflow::api::percent_decode("%4", false));
  CHECK(*backflow::api::percent_decode("a+b%21", true) == "a b!");
  auto params = backflow::api::QueryParams::parse("key=%5B1%5D&limit=5&limit=7&flag");
  CHECK(*params.get("key") == "[1]");
  CHECK(params.limit("limit", 20, 1000) == 7);
  CHECK(*params.get("flag") == "");
  CHECK_FALSE(params.get("cursor"));
}

TEST_CASE("odd input never crashes the server", "[api][input]") {
  ApiFixture api;
  auto invalid_utf8 = api.get("/api/v1/syncs/%FF%FEx");
  CHECK(invalid_utf8.status == 404);
  CHECK(invalid_utf8.json()["error"]["code"] == "not_found");
  CHECK(api.get("/api/v1/syncs/a%00b").status == 404);
  CHECK(api.post("/api/v1/syncs/contacts/trigger", "{\"force\": \"\xff\xfe\"}").status == 400);
  CHECK(api.post("/api/v1/syncs/contacts/trigger", std::string(30000, '[') + std::string(30000, ']')).status == 400);
  CHECK(api.get("/api/v1/syncs/" + std::string(8000, 'x')).status == 404);
  CHECK(api.get("/api/v1/syncs/contacts/runs?limit=5&limit=abc&&&=&before").status == 400);
  CHECK(http_request("OPTIONS", api.base_url + "/api/v1/syncs").status == 405);
  CHECK(http_request("PATCH", api.base_url + "/api/v1/syncs").status == 405);
  CHECK(api.get("/api/v1/syncs").status == 200);
}

TEST_CASE("many concurrent keep-alive clients are all served", "[api][input]") {
  // A handler that waited for the body on the HTTP library's thread pool
  // starved it at about 40 concurrent requests and hung every one of them.
  ApiFixture api;
  constexpr int kClients = 64, kRequests = 20;
  std::atomic<int> served{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      backflow::test::KeepAliveClient client;
      for (int i = 0; i < kRequests; ++i) {
        try {
          const bool post = (c + i) % 3 == 0;
          const std::string path = post ? "/api/v1/syncs/contacts/pause" : "/api/v1/syncs";
          auto reply = client.request(post ? "POST" : "GET", api.base_url + path, post ? "{}" : "");
          (reply.status == 200 ? served : failed)++;
        } catch (const std::exception&) {
          failed++;
          return;  // a hung server: one timeout per client is proof enough
        }
      }
    });
  }
  for (auto& client : clients) client.join();
  CHECK(failed == 0);
  CHECK(served == kClients * kRequests);
}
