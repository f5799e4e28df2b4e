// The registry of destination types and the runner's use of it: every type
// the config accepts is registered once, builds its delivery from its own
// descriptor, and refuses what it cannot do with a message naming it.
#include <catch2/catch.hpp>

#include <set>

#include "destinations/destination_error.h"
#include "destinations/registry.h"
#include "service/config/config_loader.h"
#include "service/runner/delivery_target.h"

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
  db: { type: sql, connection: "Driver=SQLite3;Database=/tmp/x.db" }
syncs:
  to_hook: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: hook, mode: upsert }, mapping: { email: email } }
  to_hs: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: hs, object: contacts, mode: upsert, match_on: { field: email, column: email } }, mapping: { email: email } }
  to_sf: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: sf, object: Contact, mode: upsert, match_on: { field: Ext__c, column: id } }, mapping: { Email: email } }
  to_bz: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: bz, mode: upsert }, mapping: { email: email } }
  to_it: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: it, mode: upsert }, mapping: { email: email } }
  to_ic: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: ic, object: contacts, mode: upsert }, mapping: { email: email } }
  to_kl: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: kl, mode: upsert }, mapping: { email: email } }
  to_db: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: db, table: scores, mode: mirror }, mapping: { email: email } }
)";

config::Config load(const std::string& text) {
  auto loaded = config::load_config_text(text, "registry.yaml");
  INFO((loaded.diagnostics.empty() ? std::string() : loaded.diagnostics.front().message));
  REQUIRE(loaded.ok());
  return *loaded.config;
}

std::string first_error(const std::string& text) {
  auto loaded = config::load_config_text(text, "registry.yaml");
  return loaded.diagnostics.empty() ? std::string() : loaded.diagnostics.front().message;
}

std::unique_ptr<destinations::DeliveryTarget> target_for(const config::Config& config, const config::Sync& sync) {
  const config::Destination* account = config.find_destination(sync.destination.name);
  REQUIRE(account != nullptr);
  std::vector<ColumnInfo> columns(2);
  columns[0].name = "id";
  columns[0].type = ValueType::Int;
  columns[1].name = "email";
  runner::RunJournal journal(nullptr, state::RunRecord{});
  return runner::make_delivery_target({*account, sync, columns, nullptr, journal});
}

}  // namespace

TEST_CASE("the registry lists each type once, each with modes and a delivery", "[destinations][registry]") {
  std::set<std::string> names;
  for (const destinations::DestinationType* type : destinations::destination_types()) {
    INFO(type->name);
    CHECK(names.insert(type->name).second);
    CHECK_FALSE(type->modes.empty());
    CHECK(static_cast<bool>(type->make_target));
    CHECK(destinations::find_destination_type(type->name) == type);
    // A type that cannot delete must not offer mirror, which deletes.
    if (!type->can_delete) CHECK_FALSE(destinations::supports_mode(*type, destinations::SyncMode::mirror));
  }
  CHECK(names == std::set<std::string>{"webhook", "hubspot", "salesforce", "braze", "klaviyo", "iterable", "intercom",
                                       "sql"});
  CHECK(destinations::find_destination_type("mailchimp") == nullptr);
}

TEST_CASE("every registered type builds its delivery target from the config", "[destinations][registry]") {
  const config::Config config = load(kConfig);
  REQUIRE(config.syncs.size() == destinations::destination_types().size());
  for (const config::Sync& sync : config.syncs) {
    INFO(sync.name);
    CHECK(target_for(config, sync) != nullptr);
  }
}

TEST_CASE("a mode the type does not support is refused when the target is built, naming it",
          "[destinations][registry]") {
  config::Config config = load(kConfig);
  config::Sync sync = *config.find_sync("to_kl");
  sync.destination.mode = destinations::SyncMode::mirror;  // past validation, as a hand-built plan could be
  CHECK_THROWS_WITH(target_for(config, sync), Catch::Contains("destination 'kl' (klaviyo) does not support mode mirror"));
  config::Sync unknown = *config.find_sync("to_hook");
  config::Destination gone = *config.find_destination("hook");
  gone.type = "mailchimp";
  const std::vector<ColumnInfo> columns;
  runner::RunJournal journal(nullptr, state::RunRecord{});
  CHECK_THROWS_AS(runner::make_delivery_target({gone, unknown, columns, nullptr, journal}),
                  destinations::DestinationError);
}

TEST_CASE("validate reads each type's descriptor: ranges, identifiers and match_on", "[destinations][registry]") {
  const std::string base = R"(
version: 1
warehouses:
  w: { connection: "Driver=SQLite3;Database=/tmp/x.db", dialect: sqlite }
destinations:
)";
  CHECK_THAT(first_error(base + R"(  kl: { type: klaviyo, api_key: "k", batch_size: 20000 }
)"),
             Catch::Contains("expected a whole number from 1 to 10000, found 20000 (Klaviyo imports at most 10,000 "
                             "profiles per job)"));
  CHECK_THAT(first_error(base + R"(  kl: { type: klaviyo, api_key: "k", max_bytes: 5000001 }
)"),
             Catch::Contains("from 1024 to 5000000"));
  CHECK_THAT(first_error(base + R"(  db: { type: sql, connection: "Driver=SQLite3;Database=/tmp/x.db", batch_size: 0 }
)"),
             Catch::Contains("rows per transaction"));
  const std::string with_braze = base + R"(  bz: { type: braze, api_key: "k" }
syncs:
  s: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: bz, mode: upsert, match_on: { field: emial, column: email } }, mapping: { a: a } }
)";
  const std::string braze_error = first_error(with_braze);
  CHECK_THAT(braze_error, Catch::Contains("braze identifies records by one of external_id, email, found 'emial'"));
  const std::string with_sql = base + R"(  db: { type: sql, connection: "Driver=SQLite3;Database=/tmp/x.db" }
syncs:
  s: { source: { warehouse: w, table: t, primary_key: id }, destination: { name: db, table: scores, mode: upsert, match_on: { field: a, column: a } }, mapping: { a: a } }
)";
  CHECK_THAT(first_error(with_sql), Catch::Contains("matches rows on the sync's source.primary_key columns"));
}
