// A valid config loads to the expected structs; the shipped example validates.
#include "service/config/config_loader.h"
#include "mappers/mapping_spec.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>

#include "tests/support/test_env.h"

using namespace backflow::config;
using namespace std::chrono_literals;
using backflow::test::make_temp_dir;
using backflow::test::source_dir;

namespace {

LoadOptions environment(std::map<std::string, std::string> variables) {
  LoadOptions options;
  options.env = [variables](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
  return options;
}

std::filesystem::path secret_dir_with(const std::string& file, const std::string& contents) {
  auto dir = make_temp_dir("config-secrets");
  std::ofstream(dir / file) << contents;
  return dir;
}

Config load_valid_full() {
  auto secrets = secret_dir_with("hubspot_token", "pat-na1-secret\n");
  auto result = load_config(source_dir() / "tests/configs/valid_full.yaml",
                            environment({{"BACKFLOW_TEST_TOKEN", "api-token"},
                                         {"BACKFLOW_TEST_PGPASSWORD", "pg-pass"},
                                         {"BACKFLOW_TEST_SECRET_DIR", secrets.string()}}));
  for (const auto& d : result.diagnostics) UNSCOPED_INFO(format_diagnostic(d));
  REQUIRE(result.ok());
  return *result.config;
}

}  // namespace

TEST_CASE("valid config: top level, server and warehouses", "[config]") {
  Config config = load_valid_full();
  CHECK(config.version == 1);
  CHECK(config.state_dir == "/var/lib/backflow");
  CHECK(config.server.listen == "0.0.0.0:9090");
  CHECK(config.server.auth_token == "api-token");

  REQUIRE(config.warehouses.size() == 2);
  const Warehouse& analytics = config.warehouses[0];
  CHECK(analytics.name == "analytics");
  CHECK(analytics.connection == "Driver={PostgreSQL Unicode};Server=127.0.0.1;Uid=backflow;Pwd=pg-pass");
  CHECK(analytics.dialect == Dialect::postgres);
  CHECK(analytics.bookkeeping_schema == "backflow_meta");
  CHECK(analytics.fetch_batch_rows == 5000);
  CHECK(analytics.location.line == 7);
  const Warehouse* local = config.find_warehouse("local");
  REQUIRE(local != nullptr);
  CHECK(local->dialect == Dialect::sqlite);
  CHECK(local->bookkeeping_schema == "backflow");
  CHECK(local->fetch_batch_rows == 1000);
  CHECK(config.find_warehouse("nope") == nullptr);
}

TEST_CASE("valid config: destinations with common and type-specific keys", "[config]") {
  Config config = load_valid_full();
  REQUIRE(config.destinations.size() == 2);
  const Destination& hubspot = *config.find_destination("hubspot");
  CHECK(hubspot.type == "hubspot");
  CHECK(hubspot.base_url == "http://127.0.0.1:18080");
  REQUIRE(hubspot.rate_limit.has_value());
  CHECK(hubspot.rate_limit->requests == 100);
  CHECK(hubspot.rate_limit->per == 10s);
  CHECK(hubspot.max_concurrency == 4u);
  CHECK(hubspot.retry.max_attempts == 5u);
  CHECK(hubspot.retry.base_delay == 500ms);
  CHECK(hubspot.retry.max_delay == 1min);
  CHECK(hubspot.timeout == 30s);
  // ${file:...} reads the file and trims its trailing newline.
  CHECK(hubspot.options == nlohmann::json{{"token", "pat-na1-secret"}});
  CHECK(hubspot.secret_keys == std::vector<std::string>{"token"});
  CHECK(hubspot.location.line == 17);

  const Destination& hooks = *config.find_destination("hooks");
  CHECK(hooks.type == "webhook");
  CHECK_FALSE(hooks.base_url.has_value());
  CHECK_FALSE(hooks.rate_limit.has_value());
  CHECK(hooks.options["url"] == "https://hooks.example.com/backflow");
  // $${ is the escape for a literal ${.
  CHECK(hooks.options["headers"] == nlohmann::json{{"X-Team", "growth"}, {"X-Price", "${not_a_variable}"}});
  CHECK(hooks.options["secret"] == "api-token");
  CHECK(hooks.options["batch_size"] == 200);
  CHECK(hooks.options["max_bytes"] == 1000000);
  CHECK(hooks.secret_keys == std::vector<std::string>{"secret"});
}

TEST_CASE("valid config: a sync with every key", "[config]") {
  Config config = load_valid_full();
  REQUIRE(config.syncs.size() == 5);
  const Sync& sync = config.syncs[0];
  CHECK(sync.name == "contacts_to_hubspot");
  CHECK(sync.location.line == 34);
  CHECK(sync.source.location.line == 35);
  CHECK(sync.source.warehouse == "analytics");
  CHECK(sync.source.table == "public.customers");
  CHECK_FALSE(sync.source.query.has_value());
  CHECK(sync.source.primary_key == std::vector<std::string>{"customer_id"});

  CHECK(sync.destination.name == "hubspot");
  CHECK(sync.destination.object == "contacts");
  CHECK(sync.destination.mode == SyncMode::upsert);
  REQUIRE(sync.destination.match_on.has_value());
  CHECK(sync.destination.match_on->field == "email");
  CHECK(sync.destination.match_on->column == "email");
  CHECK(sync.destination.on_delete == OnDelete::clear);
  CHECK(sync.destination.location.line == 36);

  // Mapping keeps file order and each entry's position.
  REQUIRE(sync.mapping.size() == 8);
  std::vector<std::string> fields;
  for (const auto& m : sync.mapping) fields.push_back(m.field);
  CHECK(fields == std::vector<std::string>{"email", "firstname", "lifecyclestage", "score", "vip", "full_name",
                                           "address.city", "signup_day"});
  const auto& email = sync.mapping[0];
  CHECK(email.location.line == 43);
  CHECK(email.location.column == 7);
  CHECK(email.kind == backflow::mappers::ExpressionKind::Column);
  CHECK(email.column == "email");
  REQUIRE(email.transforms.size() == 2);
  CHECK(email.transforms[0].name == "trim");
  CHECK(email.transforms[1].name == "lower");
  CHECK(sync.mapping[1].column == "first_name");
  CHECK(sync.mapping[2].kind == backflow::mappers::ExpressionKind::Constant);
  CHECK(sync.mapping[2].constant == "customer");
  CHECK(sync.mapping[3].constant == 42);
  CHECK(sync.mapping[4].constant == true);
  CHECK(sync.mapping[5].kind == backflow::mappers::ExpressionKind::Template);
  CHECK(sync.mapping[5].template_text == "{{ first_name }} {{ last_name }}");
  CHECK(sync.mapping[6].column == "city");
  REQUIRE(sync.mapping[7].transforms.size() == 1);
  CHECK(sync.mapping[7].transforms[0].name == "date_format");
  CHECK(sync.mapping[7].transforms[0].argument == "%Y-%m-%d");

  const auto* cron = std::get_if<CronSchedule>(&sync.schedule);
  REQUIRE(cron != nullptr);
  CHECK(cron->expression.text() == "*/15 * * * *");
  CHECK(cron->timezone.empty());
  CHECK(cron->zone.is_utc());
  CHECK(sync.schedule_location.line == 51);
  CHECK(sync.diff.engine == DiffEngine::local);
  CHECK(sync.diff.send == SendFields::changed_fields);
  CHECK(sync.guard.max_removed_pct == 20.0);
  CHECK(sync.guard.max_removed_rows == 5000u);
  CHECK(sync.guard.min_rows == 1u);
  CHECK(sync.retry.max_attempts == 3);
  CHECK(sync.retention == std::chrono::hours(24 * 7));
}

TEST_CASE("valid config: schedules, defaults and alerts", "[config]") {
  Config config = load_valid_full();
  const Sync& events = *config.find_sync("events_to_hooks");
  CHECK_FALSE(events.source.table.has_value());
  CHECK(events.source.query == "select id, account_id, kind from events");
  CHECK(events.source.primary_key == std::vector<std::string>{"account_id", "id"});
  CHECK(events.destination.mode == SyncMode::append);
  CHECK(events.destination.options == nlohmann::json{{"event_name", "product_event"}});
  const auto* cron = std::get_if<CronSchedule>(&events.schedule);
  REQUIRE(cron != nullptr);
  CHECK(cron->timezone == "Europe/Paris");
  CHECK(cron->zone.name() == "Europe/Paris");
  CHECK(cron->zone.offset_at(1719792000) == 7200);  // 2024-07-01: CEST
  // Defaults: the local engine for a SQLite warehouse, all fields, 10 attempts, 30 days.
  CHECK(events.diff.engine == DiffEngine::local);
  CHECK(events.diff.send == SendFields::all_fields);
  CHECK(events.retry.max_attempts == 10);
  CHECK(events.retention == std::chrono::hours(24 * 30));
  CHECK_FALSE(events.guard.max_removed_pct.has_value());

  const Sync& after = *config.find_sync("after_contacts");
  REQUIRE(std::holds_alternative<AfterSchedule>(after.schedule));
  CHECK(std::get<AfterSchedule>(after.schedule).syncs == std::vector<std::string>{"contacts_to_hubspot"});
  CHECK(after.destination.mode == SyncMode::mirror);
  CHECK(after.destination.on_delete == OnDelete::delete_record);
  CHECK(after.diff.engine == DiffEngine::warehouse);  // default for postgres

  const Sync& every = *config.find_sync("every_ten");
  REQUIRE(std::holds_alternative<EverySchedule>(every.schedule));
  CHECK(std::get<EverySchedule>(every.schedule).interval == 90min);
  CHECK(std::holds_alternative<ManualSchedule>(config.find_sync("by_hand")->schedule));

  REQUIRE(config.alerts.size() == 2);
  CHECK(config.alerts[0].type == AlertType::slack);
  CHECK(config.alerts[0].events == std::vector<std::string>{"run_failed", "rejected_records"});
  CHECK(config.alerts[1].type == AlertType::webhook);
  CHECK(config.alerts[1].url == "http://127.0.0.1:9999/alerts");
  CHECK(config.alerts[1].events == std::vector<std::string>{"run_failed", "run_blocked"});
}

TEST_CASE("a minimal config gets every default", "[config]") {
  // Sections with nothing under them are empty, not errors; CRLF line ends are fine.
  auto result = load_config_text("version: 1\r\nsyncs:\r\nwarehouses:\r\n", "minimal.yaml", environment({}));
  REQUIRE(result.ok());
  CHECK(result.config->state_dir == "./backflow-state");
  CHECK(result.config->server.listen == "127.0.0.1:8080");
  CHECK(result.config->server.auth_token.empty());
  CHECK(result.config->syncs.empty());
}

TEST_CASE("deploy/examples/full.yaml validates and covers every destination type", "[config]") {
  auto secrets = secret_dir_with("hubspot_token", "pat-na1-example");
  std::map<std::string, std::string> variables = {{"SECRETS_DIR", secrets.string()},
                                                  {"BACKFLOW_API_TOKEN", "t"},
                                                  {"PGPASSWORD", "p"},
                                                  {"SALESFORCE_CLIENT_ID", "id"},
                                                  {"SALESFORCE_CLIENT_SECRET", "s"},
                                                  {"SALESFORCE_REFRESH_TOKEN", "r"},
                                                  {"BRAZE_API_KEY", "b"},
                                                  {"KLAVIYO_API_KEY", "k"},
                                                  {"ITERABLE_API_KEY", "i"},
                                                  {"INTERCOM_TOKEN", "ic"},
                                                  {"WEBHOOK_SIGNING_SECRET", "w"},
                                                  {"OPS_DB_PASSWORD", "o"},
                                                  {"SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/X"}};
  auto result = load_config(source_dir() / "deploy/examples/full.yaml", environment(variables));
  for (const auto& d : result.diagnostics) UNSCOPED_INFO(format_diagnostic(d));
  REQUIRE(result.ok());
  std::set<std::string> types;
  for (const auto& d : result.config->destinations) types.insert(d.type);
  CHECK(types ==
        std::set<std::string>{"webhook", "hubspot", "salesforce", "braze", "klaviyo", "iterable", "intercom", "sql"});
  std::set<std::size_t> schedule_forms;
  for (const auto& s : result.config->syncs) schedule_forms.insert(s.schedule.index());
  CHECK(schedule_forms.size() == 4);

  // Without its variables, every missing one is named.
  auto bare = load_config(source_dir() / "deploy/examples/full.yaml", environment({}));
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.diagnostics.size() == variables.size());
}

TEST_CASE("anchors, aliases and merge keys", "[config]") {
  auto result = load_config(source_dir() / "tests/configs/valid_anchors.yaml", environment({}));
  for (const auto& d : result.diagnostics) UNSCOPED_INFO(format_diagnostic(d));
  REQUIRE(result.ok());
  const Sync& vip = *result.config->find_sync("vip_contacts");
  CHECK(vip.source.table == "vip_customers");  // the map's own key wins
  CHECK(vip.source.warehouse == "analytics");
  CHECK(vip.source.primary_key == std::vector<std::string>{"id"});
  CHECK(vip.destination.mode == SyncMode::update);
  CHECK(vip.destination.object == "contacts");
  std::vector<std::string> fields;
  for (const auto& m : vip.mapping) fields.push_back(m.field);
  CHECK(fields == std::vector<std::string>{"tier", "email", "name"});
  CHECK(std::holds_alternative<CronSchedule>(vip.schedule));

  auto bad = load_config_text("version: 1\nserver:\n  <<: [1]\n  listn: x\n", "merge.yaml", environment({}));
  REQUIRE_FALSE(bad.ok());
  REQUIRE(bad.diagnostics.size() == 2);
  CHECK(format_diagnostic(bad.diagnostics[0]) ==
        "merge.yaml:3:8: error: server: '<<' merges a map or a list of maps (e.g. <<: *defaults), found '1'");
  CHECK(format_diagnostic(bad.diagnostics[1]) ==
        "merge.yaml:4:3: error: server.listn: unknown key 'listn' (valid keys: listen, auth_token, tokens, workers, shutdown_grace, tls) "
        "(did you mean "
        "'listen'?)");
}

TEST_CASE("deploy/examples/embedded.yaml (the README's demo) validates", "[config]") {
  auto result = load_config(source_dir() / "deploy/examples/embedded.yaml",
                            environment({{"BACKFLOW_SAMPLE_DB", "/tmp/sample.db"},
                                         {"BACKFLOW_DEMO_WEBHOOK_URL", "http://127.0.0.1:9000/hook"}}));
  for (const auto& d : result.diagnostics) UNSCOPED_INFO(format_diagnostic(d));
  REQUIRE(result.ok());
  CHECK(result.config->syncs.size() == 2);
  CHECK(result.config->warehouses[0].connection == "Driver=SQLite3;Database=/tmp/sample.db");
}
