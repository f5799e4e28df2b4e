#include <catch2/catch.hpp>

#include "service/api/bearer_auth.h"
#include "state/audit_log.h"
#include "tests/api_fixture.h"
#include "tests/support/test_env.h"

using backflow::api::BearerAuth;
using backflow::test::ApiFixture;
using backflow::test::http_request;

TEST_CASE("bearer auth accepts exactly the configured tokens and names their caller", "[api][auth]") {
  using backflow::api::Role;
  BearerAuth auth({{"ci", "s3cret-token", Role::operate}, {"viewer", "v1ew-token", Role::read}});
  const auto allows = [&](std::string_view header) { return auth.authenticate(header).has_value(); };
  CHECK(allows("Bearer s3cret-token"));
  CHECK(allows("bearer s3cret-token"));
  CHECK_FALSE(allows(""));
  CHECK_FALSE(allows("Bearer"));
  CHECK_FALSE(allows("Bearer s3cret-toke"));
  CHECK_FALSE(allows("Bearer s3cret-token2"));
  CHECK_FALSE(allows("Basic s3cret-token"));
  CHECK_FALSE(allows("s3cret-token"));
  CHECK(auth.authenticate("Bearer s3cret-token")->name == "ci");
  CHECK(auth.authenticate("Bearer s3cret-token")->role == Role::operate);
  CHECK(auth.authenticate("Bearer v1ew-token")->name == "viewer");
  CHECK(auth.authenticate("Bearer v1ew-token")->role == Role::read);
  // No tokens: everyone is an anonymous admin.
  CHECK(BearerAuth({}).authenticate("")->name == "anonymous");
  CHECK(BearerAuth({}).authenticate("")->role == Role::admin);
}

TEST_CASE("with a token configured the API needs it, while probes and the dashboard page stay open", "[api][auth]") {
  ApiFixture api("tok-123");
  const std::string url = api.base_url;

  for (const std::string path : {"/api/v1/syncs", "/api/v1/syncs/contacts", "/api/v1/runs/run-00000001", "/metrics",
                                 "/api/v1/no-such-endpoint"}) {
    INFO(path);
    auto anonymous = http_request("GET", url + path);
    CHECK(anonymous.status == 401);
    CHECK(anonymous.headers["www-authenticate"].find("Bearer") == 0);
    CHECK(anonymous.json()["error"]["code"] == "unauthorized");
    CHECK(anonymous.body.find("tok-123") == std::string::npos);
    CHECK(http_request("GET", url + path, "", "wrong-token").status == 401);
  }
  CHECK(http_request("POST", url + "/api/v1/syncs/contacts/trigger").status == 401);
  CHECK(api.runs->list("contacts", 10).empty());

  CHECK(http_request("GET", url + "/api/v1/syncs", "", "tok-123").status == 200);
  CHECK(http_request("GET", url + "/metrics", "", "tok-123").status == 200);
  CHECK(http_request("POST", url + "/api/v1/syncs/contacts/trigger", "", "tok-123").status == 202);

  CHECK(http_request("GET", url + "/healthz").status == 200);
  CHECK(http_request("GET", url + "/readyz").status == 200);
  CHECK(http_request("GET", url + "/api/v1/healthz").status == 200);
  CHECK(http_request("GET", url + "/").status == 200);
  CHECK(http_request("GET", url + "/assets/app.js").status == 200);
}

TEST_CASE("without a token configured the API is open", "[api][auth]") {
  ApiFixture api;
  CHECK(http_request("GET", api.base_url + "/api/v1/syncs").status == 200);
  CHECK(http_request("GET", api.base_url + "/api/v1/syncs", "", "any-token").status == 200);
}

TEST_CASE("roles: read tokens read, operate tokens act on syncs, admin tokens reload and force, all audited",
          "[api][auth][roles]") {
  using backflow::api::Role;
  ApiFixture api("", [&](backflow::api::ApiServer::Options& options) {
    options.tokens = {{"viewer", "read-tok", Role::read}, {"ci", "ops-tok", Role::operate}, {"root", "adm-tok", Role::admin}};
  });
  const std::string url = api.base_url;
  const std::string trigger = url + "/api/v1/syncs/contacts/trigger";

  CHECK(http_request("GET", url + "/api/v1/syncs", "", "read-tok").status == 200);
  auto refused = http_request("POST", trigger, "", "read-tok");
  CHECK(refused.status == 403);
  CHECK(refused.json()["error"]["code"] == "forbidden");
  CHECK(refused.json()["error"]["message"] ==
        "token 'viewer' has role read; /api/v1/syncs/{name}/trigger needs operate");
  CHECK(http_request("POST", url + "/api/v1/syncs/contacts/pause", "", "read-tok").status == 403);
  CHECK(api.controller->find_sync("contacts")->paused == false);

  CHECK(http_request("POST", trigger, "", "ops-tok").status == 202);
  CHECK(http_request("POST", url + "/api/v1/syncs/contacts/pause", "", "ops-tok").status == 200);
  auto forced = http_request("POST", trigger, R"({"force": true})", "ops-tok");
  CHECK(forced.status == 403);
  CHECK(forced.json()["error"]["message"] ==
        "token 'ci' has role operate; forcing a run past its guard needs admin");
  CHECK(http_request("POST", url + "/api/v1/config/reload", "", "ops-tok").status == 403);
  CHECK(http_request("GET", url + "/api/v1/audit", "", "ops-tok").status == 403);
  CHECK(http_request("POST", url + "/api/v1/config/reload", "", "adm-tok").status == 200);
  CHECK(api.controller->reloads() == 1);
  CHECK(http_request("POST", url + "/api/v1/syncs/nosuch/trigger", "", "wrong-tok").status == 401);
}

TEST_CASE("the audit log records who did what to which sync, refusals included, newest first", "[api][auth][audit]") {
  using backflow::api::Role;
  std::unique_ptr<backflow::state::AuditLog> audit;
  ApiFixture api("", [&](backflow::api::ApiServer::Options& options) {
    options.tokens = {{"viewer", "read-tok", Role::read}, {"ci", "ops-tok", Role::operate}, {"root", "adm-tok", Role::admin}};
  });
  // The fixture's server has no audit log; a second server on the same state does.
  audit = std::make_unique<backflow::state::AuditLog>(*api.db);
  backflow::api::ApiServer::Options options;
  options.listen = "127.0.0.1:" + std::to_string(backflow::test::free_tcp_port());
  options.tokens = {{"viewer", "read-tok", Role::read}, {"ci", "ops-tok", Role::operate}, {"root", "adm-tok", Role::admin}};
  options.audit = audit.get();
  backflow::api::ApiServer audited(options, *api.controller, *api.runs, *api.records, api.registry);
  const std::string url = audited.base_url();

  CHECK(http_request("POST", url + "/api/v1/syncs/contacts/trigger", R"({"full_resync": true})", "ops-tok").status ==
        202);
  CHECK(http_request("POST", url + "/api/v1/syncs/deals/pause", "", "read-tok").status == 403);
  CHECK(http_request("POST", url + "/api/v1/config/reload", "", "adm-tok").status == 200);
  CHECK(http_request("GET", url + "/api/v1/syncs", "", "read-tok").status == 200);  // reads are not audited

  auto reply = http_request("GET", url + "/api/v1/audit?limit=2", "", "adm-tok");
  REQUIRE(reply.status == 200);
  const auto entries = reply.json()["entries"];
  REQUIRE(entries.size() == 2);
  CHECK(entries[0]["actor"] == "root");
  CHECK(entries[0]["action"] == "config.reload");
  CHECK(entries[0]["status"] == 200);
  CHECK(entries[1]["actor"] == "viewer");
  CHECK(entries[1]["role"] == "read");
  CHECK(entries[1]["action"] == "pause");
  CHECK(entries[1]["target"] == "deals");
  CHECK(entries[1]["status"] == 403);
  auto older = http_request("GET", url + "/api/v1/audit?before=" + entries[1]["sequence"].dump(), "", "adm-tok").json();
  REQUIRE(older["entries"].size() == 1);
  CHECK(older["entries"][0]["actor"] == "ci");
  CHECK(older["entries"][0]["action"] == "trigger");
  CHECK(older["entries"][0]["target"] == "contacts");
  CHECK(older["entries"][0]["detail"] == R"({"full_resync": true})");
  CHECK(older["next_before"].is_null());
  // Kept in the state store: a new log on the same database lists them.
  CHECK(backflow::state::AuditLog(*api.db).list(10).size() == 3);
  CHECK(http_request("GET", url + "/api/v1/audit?before=x", "", "adm-tok").status == 400);
}
