#include <catch2/catch.hpp>

#include "service/api/bearer_auth.h"
#include "tests/api_fixture.h"

using backflow::api::BearerAuth;
using backflow::test::ApiFixture;
using backflow::test::http_request;

TEST_CASE("bearer auth accepts exactly the configured token", "[api][auth]") {
  BearerAuth auth("s3cret-token");
  CHECK(auth.allows("Bearer s3cret-token"));
  CHECK(auth.allows("bearer s3cret-token"));
  CHECK_FALSE(auth.allows(""));
  CHECK_FALSE(auth.allows("Bearer"));
  CHECK_FALSE(auth.allows("Bearer s3cret-toke"));
  CHECK_FALSE(auth.allows("Bearer s3cret-token2"));
  CHECK_FALSE(auth.allows("Basic s3cret-token"));
  CHECK_FALSE(auth.allows("s3cret-token"));
  CHECK(BearerAuth("").allows(""));
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
