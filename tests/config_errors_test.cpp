// Bad configs, each asserting the exact diagnostics: file, line, column, key
// path, message and suggestion. Fixtures are in tests/configs/bad/.
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "service/config/config_loader.h"
#include "tests/support/test_env.h"

using namespace backflow::config;
using backflow::test::make_temp_dir;
using backflow::test::source_dir;

namespace {

// No variables are set unless a test says so: the suite must not depend on
// the environment it runs in.
LoadOptions empty_environment() {
  LoadOptions options;
  options.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return options;
}

std::vector<std::string> formatted(std::vector<Diagnostic> diagnostics, const std::string& label) {
  std::vector<std::string> lines;
  for (auto& d : diagnostics) {
    d.location.file = label;
    lines.push_back(format_diagnostic(d));
  }
  return lines;
}

// The diagnostics of a fixture, formatted with its bare file name.
std::vector<std::string> errors_of(const std::string& fixture) {
  auto result = load_config(source_dir() / "tests/configs/bad" / fixture, empty_environment());
  REQUIRE_FALSE(result.ok());
  return formatted(result.diagnostics, fixture);
}

std::vector<std::string> errors_of_file(const std::filesystem::path& file) {
  auto result = load_config(file, empty_environment());
  REQUIRE_FALSE(result.ok());
  return formatted(result.diagnostics, file.filename().string());
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

}  // namespace

TEST_CASE("bad config: cycles among after: references are reported with their path", "[config][config-errors]") {
  CHECK(errors_of("after_cycle.yaml") ==
        std::vector<std::string>{
            "after_cycle.yaml:15:15: error: syncs.a.schedule.after: schedule 'after' references form a cycle: a -> c "
            "-> b -> a (each would wait for the other forever)",
            "after_cycle.yaml:30:15: error: syncs.d.schedule.after: schedule 'after' references form a cycle: d -> d "
            "(each would wait for the other forever)",
        });
}

TEST_CASE("bad config: type-specific keys: wrong type, one-of group, required in append mode, required sync key",
          "[config][config-errors]") {
  CHECK(errors_of("bad_append_and_options.yaml") ==
        std::vector<std::string>{
            "bad_append_and_options.yaml:13:19: error: destinations.db.create_table: expected true or false, found "
            "'maybe'",
            "bad_append_and_options.yaml:15:5: error: destinations.sf: a salesforce destination needs access_token or "
            "refresh_token",
            "bad_append_and_options.yaml:20:18: error: syncs.events.destination.event_name: missing required key "
            "'event_name' for a braze destination in append mode",
            "bad_append_and_options.yaml:24:18: error: syncs.copy.destination.table: missing required key 'table' for "
            "a sql destination",
            "bad_append_and_options.yaml:24:44: error: syncs.copy.destination.object: unknown key 'object' (valid "
            "keys: name, mode, match_on, on_delete, table)",
        });
}

TEST_CASE("bad config: bad cron expressions name the bad field", "[config][config-errors]") {
  CHECK(errors_of("bad_cron.yaml") ==
        std::vector<std::string>{
            "bad_cron.yaml:15:15: error: syncs.hour_out_of_range.schedule: invalid cron expression '0 25 * * *': hour "
            "field '25': 25 is out of range 0-23",
            "bad_cron.yaml:20:15: error: syncs.four_fields.schedule: invalid cron expression '*/15 * * *': expected 5 "
            "fields (minute hour day-of-month month day-of-week), found 4",
            "bad_cron.yaml:25:23: error: syncs.bad_day_name.schedule.cron: invalid cron expression '0 9 * * MOX': "
            "day-of-week field 'MOX': unknown name 'MOX'",
            "bad_cron.yaml:30:15: error: syncs.zero_step.schedule: invalid cron expression '*/0 * * * *': minute field "
            "'*/0': step must be at least 1",
            "bad_cron.yaml:35:15: error: syncs.backwards_range.schedule: invalid cron expression '0 0 20-10 * *': "
            "day-of-month field '20-10': range 20-10 goes backwards",
            "bad_cron.yaml:40:15: error: syncs.unknown_alias.schedule: invalid cron expression '@reboot': unknown "
            "alias '@reboot' (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)",
        });
}

TEST_CASE("bad config: bad durations: no unit, unknown unit, no number, a sign, zero interval",
          "[config][config-errors]") {
  CHECK(errors_of("bad_durations.yaml") ==
        std::vector<std::string>{
            "bad_durations.yaml:10:39: error: destinations.crm.rate_limit.per: invalid duration '10': the number has "
            "no unit (expected e.g. 500ms, 45s, 10m, 1h30m, 2d)",
            "bad_durations.yaml:11:14: error: destinations.crm.timeout: invalid duration '1x': unknown unit 'x'; the "
            "units are ms, s, m, h, d, w (expected e.g. 500ms, 45s, 10m, 1h30m, 2d)",
            "bad_durations.yaml:17:24: error: syncs.contacts.schedule.every: invalid duration 'm': expected a number "
            "before 'm' (expected e.g. 500ms, 45s, 10m, 1h30m, 2d)",
            "bad_durations.yaml:18:16: error: syncs.contacts.retention: invalid duration '-5m': a duration has no sign "
            "(expected e.g. 500ms, 45s, 10m, 1h30m, 2d)",
            "bad_durations.yaml:23:24: error: syncs.accounts.schedule.every: expected a duration longer than 0, found "
            "'0s'",
        });
}

TEST_CASE(
    "bad config: mapping expressions: two forms, unknown transform, date_format without format, bad field path, bare "
    "constants",
    "[config][config-errors]") {
  CHECK(errors_of("bad_mapping.yaml") ==
        std::vector<std::string>{
            "bad_mapping.yaml:15:14: error: syncs.contacts.mapping.email: expected exactly one of column, value, "
            "template; found 2",
            "bad_mapping.yaml:16:59: error: syncs.contacts.mapping.name.transforms[1]: expected one of trim, lower, "
            "upper, sha256, to_string, to_number, to_bool, date_format, found 'lowr' (did you mean 'lower'?)",
            "bad_mapping.yaml:17:47: error: syncs.contacts.mapping.day.transforms[0]: date_format needs a format: "
            "write {date_format: \"%Y-%m-%d\"}",
            "bad_mapping.yaml:18:14: error: syncs.contacts.mapping.vip.colum: unknown key 'colum' (valid keys: column, "
            "value, template, transforms) (did you mean 'column'?)",
            "bad_mapping.yaml:19:13: error: syncs.contacts.mapping.tags: expected a column name or a map with one of "
            "column, value, template; found a list",
            "bad_mapping.yaml:20:7: error: syncs.contacts.mapping.address..city: invalid field path 'address..city': "
            "empty path segment",
            "bad_mapping.yaml:21:14: error: syncs.contacts.mapping.score: expected a column name, found the constant 5 "
            "(write { value: 5 } for a constant, or quote a column named so)",
            "bad_mapping.yaml:22:17: error: syncs.contacts.mapping.vip_flag: expected a column name, found the "
            "constant true (write { value: true } for a constant, or quote a column named so)",
        });
}

TEST_CASE("bad config: names with spaces are rejected", "[config][config-errors]") {
  CHECK(errors_of("bad_names.yaml") ==
        std::vector<std::string>{
            "bad_names.yaml:3:3: error: warehouses.my warehouse: invalid warehouse name 'my warehouse': use letters, "
            "digits, '_', '-' and '.', starting with a letter, digit or '_'",
        });
}

TEST_CASE("bad config: on_delete: misspelt, not applicable to the mode, not possible for the type",
          "[config][config-errors]") {
  CHECK(errors_of("bad_on_delete.yaml") ==
        std::vector<std::string>{
            "bad_on_delete.yaml:16:74: error: syncs.misspelt.destination.on_delete: expected one of nothing, clear, "
            "delete, found 'delet' (did you mean 'delete'?)",
            "bad_on_delete.yaml:20:74: error: syncs.insert_mode.destination.on_delete: on_delete: delete does not "
            "apply to mode insert, which never removes records; use 'nothing' or remove the key",
            "bad_on_delete.yaml:24:60: error: syncs.cannot_delete.destination.on_delete: on_delete: delete is not "
            "possible: klaviyo destinations cannot delete records",
        });
}

TEST_CASE("bad config: primary_key: wrong type, empty, repeated column", "[config][config-errors]") {
  CHECK(errors_of("bad_primary_key.yaml") ==
        std::vector<std::string>{
            "bad_primary_key.yaml:12:68: error: syncs.map_key.source.primary_key: expected a string or a list of "
            "strings, found a map",
            "bad_primary_key.yaml:16:68: error: syncs.empty_key.source.primary_key: expected at least one column, "
            "found an empty list",
            "bad_primary_key.yaml:20:68: error: syncs.twice.source.primary_key: column 'id' is listed twice",
        });
}

TEST_CASE("bad config: rate_limit: not a map, zero requests, missing and misspelt key", "[config][config-errors]") {
  CHECK(errors_of("bad_rate_limit.yaml") ==
        std::vector<std::string>{
            "bad_rate_limit.yaml:6:17: error: destinations.scalar.rate_limit: expected a map, found '100'",
            "bad_rate_limit.yaml:10:29: error: destinations.zero.rate_limit.requests: expected a whole number from 1 "
            "to 1000000000, found 0",
            "bad_rate_limit.yaml:14:17: error: destinations.incomplete.rate_limit.per: missing required key 'per'",
            "bad_rate_limit.yaml:14:33: error: destinations.incomplete.rate_limit.pr: unknown key 'pr' (valid keys: "
            "requests, per) (did you mean 'per'?)",
        });
}

TEST_CASE("bad config: an unknown time zone", "[config][config-errors]") {
  CHECK(errors_of("bad_timezone.yaml") ==
        std::vector<std::string>{
            "bad_timezone.yaml:15:46: error: syncs.contacts.schedule.timezone: unknown time zone 'Europe/Pariss' "
            "(expected an IANA name such as Europe/Paris or UTC)",
        });
}

TEST_CASE("bad config: after: naming an unknown sync", "[config][config-errors]") {
  CHECK(errors_of("dangling_after.yaml") == std::vector<std::string>{
                                                "dangling_after.yaml:15:25: error: syncs.contacts.schedule.after[0]: "
                                                "unknown sync 'contcts' (defined: contacts) (did you mean 'contacts'?)",
                                            });
}

TEST_CASE("bad config: a sync naming an unknown destination lists the defined ones", "[config][config-errors]") {
  CHECK(errors_of("dangling_destination.yaml") ==
        std::vector<std::string>{
            "dangling_destination.yaml:13:26: error: syncs.contacts.destination.name: unknown destination 'salesforce' "
            "(defined: crm)",
        });
}

TEST_CASE("bad config: a sync naming an unknown warehouse gets the nearest name", "[config][config-errors]") {
  CHECK(errors_of("dangling_warehouse.yaml") ==
        std::vector<std::string>{
            "dangling_warehouse.yaml:12:26: error: syncs.contacts.source.warehouse: unknown warehouse 'analytcs' "
            "(defined: analytics) (did you mean 'analytics'?)",
        });
}

TEST_CASE("bad config: a duplicate sync name points at both definitions", "[config][config-errors]") {
  CHECK(errors_of("duplicate_sync.yaml") ==
        std::vector<std::string>{
            "duplicate_sync.yaml:19:3: error: syncs.contacts: duplicate key 'contacts' (first defined on line 11)",
        });
}

TEST_CASE("bad config: a file with only comments is empty", "[config][config-errors]") {
  CHECK(errors_of("empty.yaml") == std::vector<std::string>{
                                       "empty.yaml: error: config file is empty",
                                   });
}

TEST_CASE("bad config: every error of a file is reported, in file order", "[config][config-errors]") {
  CHECK(errors_of("many_errors.yaml") ==
        std::vector<std::string>{
            "many_errors.yaml:2:1: error: stat_dir: unknown key 'stat_dir' (valid keys: version, state_dir, server, "
            "warehouses, destinations, syncs, alerts, writeback) (did you mean 'state_dir'?)",
            "many_errors.yaml:3:19: error: server.listen: expected host:port with a port from 1 to 65535, found "
            "'localhost'",
            "many_errors.yaml:7:14: error: warehouses.analytics.dialect: expected one of postgres, sqlite, mysql, "
            "snowflake, bigquery, redshift, databricks, found 'sqlit' (did you mean 'sqlite'?)",
            "many_errors.yaml:10:5: error: destinations.crm.token: missing required key 'token' for a hubspot "
            "destination",
            "many_errors.yaml:13:13: error: syncs.contacts.source.primary_key: missing required key 'primary_key'",
            "many_errors.yaml:14:55: error: syncs.contacts.destination.mode: mode 'append' is not supported by hubspot "
            "destinations (supported: upsert, update, insert, mirror)",
            "many_errors.yaml:16:15: error: syncs.contacts.schedule: invalid cron expression '*/15 * * *': expected 5 "
            "fields (minute hour day-of-month month day-of-week), found 4",
            "many_errors.yaml:17:31: error: syncs.contacts.guard.max_removed_pct: expected a number from 0 to 100, "
            "found 150",
            "many_errors.yaml:18:28: error: syncs.contacts.retry.max_attempts: expected a whole number from 1 to 1000, "
            "found 0",
            "many_errors.yaml:20:13: error: alerts[0].type: expected one of webhook, slack, found 'teams'",
        });
}

TEST_CASE("bad config: missing environment variables are named with the key", "[config][config-errors]") {
  CHECK(errors_of("missing_env_var.yaml") == std::vector<std::string>{
                                                 "missing_env_var.yaml:2:23: error: server.auth_token: environment "
                                                 "variable 'BACKFLOW_TEST_UNSET_TOKEN' is not set",
                                                 "missing_env_var.yaml:5:17: error: warehouses.analytics.connection: "
                                                 "environment variable 'BACKFLOW_TEST_UNSET_PASSWORD' is not set",
                                             });
}

TEST_CASE("bad config: missing required keys, generic and per destination type", "[config][config-errors]") {
  CHECK(errors_of("missing_required_key.yaml") ==
        std::vector<std::string>{
            "missing_required_key.yaml:4:5: error: warehouses.analytics.connection: missing required key 'connection'",
            "missing_required_key.yaml:7:5: error: destinations.crm.token: missing required key 'token' for a hubspot "
            "destination",
        });
}

TEST_CASE("bad config: a YAML syntax error is located and explained", "[config][config-errors]") {
  CHECK(errors_of("syntax_error.yaml") == std::vector<std::string>{
                                              "syntax_error.yaml:12:79: error: YAML syntax error: a '}' or ']' closes "
                                              "nothing, or closes the wrong kind of bracket (illegal flow end)",
                                          });
}

TEST_CASE("bad config: a tab in indentation is named as such", "[config][config-errors]") {
  CHECK(errors_of("tab_indentation.yaml") ==
        std::vector<std::string>{
            "tab_indentation.yaml:13:1: error: tab character in indentation; YAML allows spaces only",
        });
}

TEST_CASE("bad config: table and query are exclusive and one is required", "[config][config-errors]") {
  CHECK(errors_of("table_and_query.yaml") ==
        std::vector<std::string>{
            "table_and_query.yaml:15:14: error: syncs.both.source.query: set either 'table' or 'query', not both",
            "table_and_query.yaml:20:13: error: syncs.neither.source.table: missing 'table' or 'query' (the model to "
            "read)",
        });
}

TEST_CASE("bad config: a config that is not a map", "[config][config-errors]") {
  CHECK(errors_of("top_level_list.yaml") ==
        std::vector<std::string>{
            "top_level_list.yaml:1:1: error: expected the config to be a map of top-level keys (version, warehouses, "
            "destinations, syncs, ...), found a list",
        });
}

TEST_CASE("bad config: an unknown destination type, and a key another type would take", "[config][config-errors]") {
  CHECK(errors_of("unknown_destination_type.yaml") ==
        std::vector<std::string>{
            "unknown_destination_type.yaml:4:11: error: destinations.crm.type: expected one of webhook, hubspot, "
            "salesforce, braze, klaviyo, iterable, intercom, sql, found 'hubspott' (did you mean 'hubspot'?)",
            "unknown_destination_type.yaml:9:5: error: destinations.brz.api_secret: unknown key 'api_secret' (valid "
            "keys: type, base_url, rate_limit, max_concurrency, retry, timeout, api_key)",
        });
}

TEST_CASE("bad config: an unknown key is reported with the nearest valid key", "[config][config-errors]") {
  CHECK(errors_of("unknown_key.yaml") ==
        std::vector<std::string>{
            "unknown_key.yaml:15:5: error: syncs.contacts.schedul: unknown key 'schedul' (valid keys: source, "
            "destination, mapping, schedule, diff, guard, retry, retention, outcome, record_log, writeback) (did you mean 'schedule'?)",
        });
}

TEST_CASE("bad config: an unknown mode is reported with the nearest mode", "[config][config-errors]") {
  CHECK(errors_of("unknown_mode.yaml") ==
        std::vector<std::string>{
            "unknown_mode.yaml:13:55: error: syncs.contacts.destination.mode: expected one of upsert, update, insert, "
            "mirror, append, found 'upsrt' (did you mean 'upsert'?)",
        });
}

TEST_CASE("bad config: unreadable ${file:...} secrets: missing file and a directory", "[config][config-errors]") {
  CHECK(errors_of("unreadable_secret_file.yaml") ==
        std::vector<std::string>{
            "unreadable_secret_file.yaml:5:12: error: destinations.crm.token: cannot read file "
            "'/nonexistent/backflow/hubspot_token' for ${file:...}: No such file or directory",
            "unreadable_secret_file.yaml:9:13: error: destinations.hooks.secret: cannot read file '/' for ${file:...}: "
            "it is a directory",
        });
}

TEST_CASE("bad config: a mode the destination type does not support", "[config][config-errors]") {
  CHECK(errors_of("unsupported_mode.yaml") ==
        std::vector<std::string>{
            "unsupported_mode.yaml:13:41: error: syncs.profiles.destination.mode: mode 'mirror' is not supported by "
            "klaviyo destinations (supported: upsert)",
        });
}

TEST_CASE("bad config: mapping paths where one would be a value and an object at once", "[config][config-errors]") {
  CHECK(errors_of("mapping_path_conflict.yaml") ==
        std::vector<std::string>{
            "mapping_path_conflict.yaml:17:7: error: syncs.people.mapping.v.x: field 'v.x' conflicts with field 'v' "
            "(line 15): 'v' cannot be both a value and an object",
            "mapping_path_conflict.yaml:19:7: error: syncs.people.mapping.address: field 'address' conflicts with "
            "field 'address.city' (line 18): 'address' cannot be both a value and an object",
            "mapping_path_conflict.yaml:20:7: error: syncs.people.mapping.address.zip.code: field 'address.zip.code' "
            "conflicts with field 'address' (line 19): 'address' cannot be both a value and an object",
        });
}

TEST_CASE("bad config: an Intercom object other than contacts names what is supported", "[config][config-errors]") {
  CHECK(errors_of("intercom_companies.yaml") ==
        std::vector<std::string>{
            "intercom_companies.yaml:13:44: error: syncs.companies_to_intercom.destination.object: object 'companies' "
            "is not supported by intercom destinations (supported: contacts)",
            "intercom_companies.yaml:17:44: error: syncs.users_to_intercom.destination.object: object 'contact' is "
            "not supported by intercom destinations (supported: contacts) (did you mean 'contacts'?)",
        });
}

TEST_CASE("bad config: an unsupported version", "[config][config-errors]") {
  CHECK(errors_of("version_2.yaml") ==
        std::vector<std::string>{
            "version_2.yaml:1:10: error: version: unsupported config version 2; this backflow reads version 1",
        });
}

TEST_CASE("bad config: a list where a map is expected", "[config][config-errors]") {
  CHECK(errors_of("wrong_type_list.yaml") ==
        std::vector<std::string>{
            "wrong_type_list.yaml:12:13: error: syncs.contacts.source: expected a map, found a list",
        });
}

TEST_CASE("bad config: a string where a whole number is expected", "[config][config-errors]") {
  CHECK(errors_of("wrong_type_number.yaml") ==
        std::vector<std::string>{
            "wrong_type_number.yaml:6:23: error: warehouses.analytics.fetch_batch_rows: expected a whole number from 1 "
            "to 1000000, found 'lots'",
        });
}

TEST_CASE("bad config: binary garbage", "[config][config-errors]") {
  auto dir = make_temp_dir("config-binary");
  write_file(dir / "garbage.yaml", std::string("\x7f"
                                               "ELF\x02\x01\x01\0\0\0",
                                               10) +
                                       "\xff\xfe");
  CHECK(errors_of_file(dir / "garbage.yaml") ==
        std::vector<std::string>{
            "garbage.yaml:1:1: error: config file contains binary data (control byte 0x7F); expected YAML text"});
}

TEST_CASE("bad config: NUL bytes are binary data", "[config][config-errors]") {
  auto dir = make_temp_dir("config-nul");
  write_file(dir / "nul.yaml", std::string("version: 1\nsyncs:\0\0\n", 20));
  CHECK(errors_of_file(dir / "nul.yaml") ==
        std::vector<std::string>{
            "nul.yaml:2:7: error: config file contains binary data (control byte 0x00); expected YAML text"});
}

TEST_CASE("bad config: invalid UTF-8 in a value is located", "[config][config-errors]") {
  auto dir = make_temp_dir("config-latin1");
  write_file(dir / "latin1.yaml", "version: 1\nstate_dir: /var/lib/caf\xe9\n");
  CHECK(errors_of_file(dir / "latin1.yaml") ==
        std::vector<std::string>{
            "latin1.yaml:2:24: error: config file is not valid UTF-8 (byte 0xE9); expected YAML text"});
}

TEST_CASE("bad config: a 10 MB file is refused before it is read", "[config][config-errors]") {
  auto dir = make_temp_dir("config-huge");
  std::string text = "version: 1\n# ";
  text.append(10 * 1024 * 1024 - text.size(), 'x');
  write_file(dir / "huge.yaml", text);
  CHECK(errors_of_file(dir / "huge.yaml") ==
        std::vector<std::string>{"huge.yaml: error: config file is 10.0 MiB; the limit is 4 MiB"});
}

TEST_CASE("bad config: a missing file and a directory", "[config][config-errors]") {
  auto dir = make_temp_dir("config-missing");
  CHECK(errors_of_file(dir / "absent.yaml") ==
        std::vector<std::string>{"absent.yaml: error: cannot read config file: No such file or directory"});
  CHECK(errors_of_file(dir) ==
        std::vector<std::string>{dir.filename().string() + ": error: cannot read config file: it is a directory"});
}

TEST_CASE("tabs are fine inside values and comments, not in indentation", "[config][config-errors]") {
  auto result =
      load_config_text("version: 1\t# tab before a comment\nstate_dir: \"a\tb\"\n", "ok.yaml", empty_environment());
  REQUIRE(result.ok());
  CHECK(result.config->state_dir == "a\tb");
  auto bad = load_config_text("version: 1\nserver:\n  listen: \"127.0.0.1:1\"\n \tauth_token: x\n", "t.yaml",
                              empty_environment());
  REQUIRE_FALSE(bad.ok());
  CHECK(formatted(bad.diagnostics, "t.yaml") ==
        std::vector<std::string>{"t.yaml:4:2: error: tab character in indentation; YAML allows spaces only"});
}

TEST_CASE("messages stay on one line and never echo a URL that may be a credential", "[config][config-errors]") {
  auto result = load_config_text(
      "version: 1\n"
      "server: { listen: \"line1\\nline2\" }\n"
      "alerts:\n"
      "  - { type: slack, url: \"hooks.slack.com/services/T000/B000/SECRET\" }\n",
      "oneline.yaml", empty_environment());
  REQUIRE_FALSE(result.ok());
  CHECK(formatted(result.diagnostics, "oneline.yaml") ==
        std::vector<std::string>{
            "oneline.yaml:2:19: error: server.listen: expected host:port with a port from 1 to 65535, found "
            "'line1\\nline2'",
            "oneline.yaml:4:25: error: alerts[0].url: expected an http:// or https:// URL (the value is not shown: "
            "it may be a credential)"});
}

TEST_CASE("bad config: nesting too deep for the parser", "[config][config-errors]") {
  const std::string text = "version: 1\nx: " + std::string(1000, '[') + std::string(1000, ']') + "\n";
  auto result = load_config_text(text, "deep.yaml", empty_environment());
  REQUIRE_FALSE(result.ok());
  // yaml-cpp detects it where the nested flow ends.
  CHECK(formatted(result.diagnostics, "deep.yaml") ==
        std::vector<std::string>{"deep.yaml:2:2004: error: YAML nesting is deeper than 500 levels"});
}

TEST_CASE("bad config: klaviyo and sql values: vendor limits, revision, identifiers, table, connection, columns",
          "[config][config-errors][klaviyo][sql]") {
  CHECK(errors_of("klaviyo_sql_values.yaml") ==
        std::vector<std::string>{
            "klaviyo_sql_values.yaml:8:15: error: destinations.kl.revision: expected a Klaviyo API revision date such as \"2025-01-15\", found 'latest'",
            "klaviyo_sql_values.yaml:9:17: error: destinations.kl.batch_size: expected a whole number from 1 to 10000, found 20000 (Klaviyo imports at most 10,000 profiles per job)",
            "klaviyo_sql_values.yaml:10:5: error: destinations.kl.poll_intervall: unknown key 'poll_intervall' (valid keys: type, base_url, rate_limit, max_concurrency, retry, timeout, api_key, revision, batch_size, max_bytes, poll_interval, max_job_wait) (did you mean 'poll_interval'?)",
            "klaviyo_sql_values.yaml:13:17: error: destinations.db.connection: expected an ODBC connection string such as \"Driver={PostgreSQL Unicode};Server=...;Database=...\" or \"DSN=name\" (no '=' found)",
            "klaviyo_sql_values.yaml:14:17: error: destinations.db.batch_size: expected a whole number from 1 to 100000, found 0 (rows per transaction)",
            "klaviyo_sql_values.yaml:19:5: error: destinations.good_db.poll_interval: unknown key 'poll_interval' (valid keys: type, base_url, rate_limit, max_concurrency, retry, timeout, connection, dialect, create_table, batch_size)",
            "klaviyo_sql_values.yaml:22:17: error: destinations.odd_db.connection: cannot tell the SQL dialect from this connection's Driver 'Exotic ODBC'; add `dialect:` (postgres, sqlite, mysql, snowflake, bigquery, redshift, databricks)",
            "klaviyo_sql_values.yaml:26:54: error: syncs.to_klaviyo.destination.match_on.field: klaviyo identifies records by one of email, phone_number, external_id, found 'emial' (did you mean 'email'?)",
            "klaviyo_sql_values.yaml:30:51: error: syncs.to_sql.destination.table: expected a table name such as \"scores\" or \"public.scores\" (letters, digits, _ and $; at most catalog.schema.table), found 'public.my table'",
            "klaviyo_sql_values.yaml:30:80: error: syncs.to_sql.destination.match_on: a sql destination matches rows on the sync's source.primary_key columns; remove match_on",
            "klaviyo_sql_values.yaml:33:7: error: syncs.to_sql.mapping.address.city: a sql destination writes one column per mapped field; 'address.city' is a nested path (use a column name without dots)",
        });
}
