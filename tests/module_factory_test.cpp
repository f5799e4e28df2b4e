#include <catch2/catch.hpp>

#include "destinations/destination_error.h"
#include "destinations/module_factory.h"
#include "service/config/config_loader.h"

using namespace backflow;

namespace {

const char* kConfig = R"(
version: 1
warehouses:
  w: { connection: "Driver=SQLite3;Database=/tmp/x.db", dialect: sqlite }
destinations:
  hook: { type: webhook, url: "http://127.0.0.1:9/hook" }
  hs: { type: hubspot, token: "t", base_url: "http://127.0.0.1:9" }
  sf: { type: salesforce, access_token: "t", instance_url: "http://127.0.0.1:9" }
  bz: { type: braze, api_key: "k", base_url: "http://127.0.0.1:9" }
  it: { type: iterable, api_key: "k", base_url: "http://127.0.0.1:9" }
  ic: { type: intercom, token: "t", base_url: "http://127.0.0.1:9" }
  kl: { type: klaviyo, api_key: "k" }
syncs:
  to_hook: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: hook, mode: upsert }, mapping: { email: email } }
  to_hs: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: hs, object: contacts, mode: upsert, match_on: { field: email, column: email } }, mapping: { email: email } }
  to_sf: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: sf, object: Contact, mode: upsert, match_on: { field: Ext__c, column: id } }, mapping: { Email: email } }
  to_bz: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: bz, mode: upsert }, mapping: { email: email } }
  to_it: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: it, mode: upsert }, mapping: { email: email } }
  to_ic: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: ic, object: contacts, mode: upsert }, mapping: { email: email } }
  to_kl: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: kl, mode: upsert }, mapping: { email: email } }
)";

}  // namespace

TEST_CASE("every HTTP destination type with a module is built from its config", "[destinations][factory]") {
  auto loaded = config::load_config_text(kConfig, "factory.yaml");
  INFO((loaded.diagnostics.empty() ? std::string() : loaded.diagnostics.front().message));
  REQUIRE(loaded.ok());
  for (const char* name : {"to_hook", "to_hs", "to_sf", "to_bz", "to_it", "to_ic"}) {
    INFO(name);
    const config::Sync* sync = loaded.config->find_sync(name);
    REQUIRE(sync != nullptr);
    const config::Destination* account = loaded.config->find_destination(sync->destination.name);
    auto settings = destinations::settings_from_config(*account);
    auto module = destinations::make_module(settings, *account, sync->destination);
    CHECK(module != nullptr);
  }
  // Klaviyo delivers through bulk import jobs, not a request/response module:
  // asking the factory for one is an error that names the destination.
  const config::Sync* klaviyo = loaded.config->find_sync("to_kl");
  const config::Destination* account = loaded.config->find_destination("kl");
  CHECK_THROWS_WITH(destinations::make_module(destinations::settings_from_config(*account), *account,
                                              klaviyo->destination),
                    Catch::Contains("kl"));
}
