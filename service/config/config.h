// The parsed config file (design §6): plain structs, filled and checked by
// the loader (service/config/config_loader.h). Everything here has already
// been validated: names resolve, enums are known, durations and cron
// expressions parse, defaults are applied.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "service/config/source_location.h"
#include "service/schedule/cron.h"
#include "service/schedule/time_zone.h"

namespace backflow::config {

enum class Dialect { postgres, sqlite, mysql, snowflake, bigquery, redshift, databricks };
enum class SyncMode { upsert, update, insert, mirror, append };
enum class OnDelete { nothing, clear, delete_record };  // YAML: nothing | clear | delete
enum class DiffEngine { local, warehouse };
enum class SendFields { all_fields, changed_fields };
enum class AlertType { webhook, slack };

// The spelling used in the config file ("delete" for OnDelete::delete_record).
std::string_view to_string(Dialect value);
std::string_view to_string(SyncMode value);
std::string_view to_string(OnDelete value);
std::string_view to_string(DiffEngine value);
std::string_view to_string(SendFields value);
std::string_view to_string(AlertType value);

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // host:port
  std::string auth_token;                 // secret; empty = no API auth
  std::uint32_t workers = 4;              // runs in parallel (`serve`)
  std::chrono::milliseconds shutdown_grace{30'000};  // SIGTERM: how long running runs get to checkpoint
};

struct Warehouse {
  std::string name;
  std::string connection;  // ODBC connection string; secret-bearing, never log it
  Dialect dialect = Dialect::postgres;
  std::string bookkeeping_schema = "backflow";
  std::uint32_t fetch_batch_rows = 1000;
  SourceLocation location;
};

struct RateLimit {
  std::uint32_t requests = 0;
  std::chrono::milliseconds per{0};
};

// Delivery retries inside one run (HTTP 429/5xx/timeouts). Unset values
// mean "the destination module's default".
struct DeliveryRetry {
  std::optional<std::uint32_t> max_attempts;
  std::optional<std::chrono::milliseconds> base_delay;
  std::optional<std::chrono::milliseconds> max_delay;
};

struct Destination {
  std::string name;
  std::string type;  // a type of destinations/catalog.h
  std::optional<std::string> base_url;
  std::optional<RateLimit> rate_limit;
  std::optional<std::uint32_t> max_concurrency;
  DeliveryRetry retry;
  std::optional<std::chrono::milliseconds> timeout;
  // The type-specific keys (token, url, headers, ...) as written, after
  // ${...} substitution: a JSON object. Durations stay strings.
  nlohmann::json options = nlohmann::json::object();
  // Which keys of `options` hold secrets: redact them everywhere.
  std::vector<std::string> secret_keys;
  SourceLocation location;
};

struct SyncSource {
  std::string warehouse;
  std::optional<std::string> table;  // exactly one of table and query is set
  std::optional<std::string> query;
  std::vector<std::string> primary_key;  // one or more columns, never empty
  SourceLocation location;               // of the `source:` key
};

struct MatchOn {
  std::string field;   // the destination's identifying field
  std::string column;  // the model column holding its value
};

struct SyncDestination {
  std::string name;    // a Destination's name
  std::string object;  // e.g. "contacts"; empty when the type has none
  SyncMode mode = SyncMode::upsert;
  std::optional<MatchOn> match_on;
  OnDelete on_delete = OnDelete::nothing;
  // Type-specific sync-level keys (table, list_id, event_name, ...).
  nlohmann::json options = nlohmann::json::object();
  SourceLocation location;  // of the `destination:` key
};

// One transform of a mapping expression; `argument` is set for date_format.
struct Transform {
  std::string name;  // trim lower upper sha256 to_string to_number to_bool date_format
  std::string argument;
};

// A mapping's right-hand side, parsed but not compiled (mappers/ does that).
struct MappingExpression {
  enum class Kind { column, value, template_text };
  Kind kind = Kind::column;
  std::string column;                 // kind == column
  nlohmann::json value;               // kind == value: a JSON scalar
  std::string template_text;          // kind == template_text: "{{ a }} {{ b }}"
  std::vector<Transform> transforms;  // column and template forms only, in order
};

struct MappingEntry {
  std::string field;  // destination field path, dots for nesting ("address.city")
  MappingExpression expression;
  SourceLocation location;  // of the field's key
};

struct ManualSchedule {};
struct CronSchedule {
  schedule::CronExpression expression;
  std::string timezone;  // IANA name; "" = UTC
  schedule::TimeZone zone;  // that zone, loaded: pass it to expression.next_after
};
struct EverySchedule {
  std::chrono::milliseconds interval{0};  // > 0
};
struct AfterSchedule {
  std::vector<std::string> syncs;  // run when any of these succeeds
};
using Schedule = std::variant<ManualSchedule, CronSchedule, EverySchedule, AfterSchedule>;

struct DiffSettings {
  DiffEngine engine = DiffEngine::warehouse;  // default: local for sqlite, else warehouse
  SendFields send = SendFields::all_fields;
};

struct Guard {
  std::optional<double> max_removed_pct;  // 0-100
  std::optional<std::uint64_t> max_removed_rows;
  std::optional<std::uint64_t> min_rows;
};

struct SyncRetry {
  std::uint32_t max_attempts = 10;  // per record, across runs, before it is dead
};

struct Sync {
  std::string name;
  SyncSource source;
  SyncDestination destination;
  std::vector<MappingEntry> mapping;  // in file order
  Schedule schedule = ManualSchedule{};
  SourceLocation schedule_location;  // of the schedule value; the sync's key when absent
  DiffSettings diff;
  Guard guard;
  SyncRetry retry;
  std::chrono::milliseconds retention = std::chrono::hours(24 * 30);  // how long run history is kept
  SourceLocation location;                                            // of the sync's name
};

struct Alert {
  AlertType type = AlertType::webhook;
  std::string url;                  // secret-bearing (Slack hook URLs are credentials)
  std::vector<std::string> events;  // run_failed run_blocked rejected_records sync_stale run_succeeded
  double rejected_pct = 5.0;        // rejected_records: share of sent records rejected, 0-100
  std::chrono::milliseconds stale_after = std::chrono::hours(24);  // sync_stale: no success for this long
  SourceLocation location;
};

struct Config {
  std::string file;  // the path it was loaded from
  int version = 1;
  std::string state_dir = "./backflow-state";  // relative to the working directory
  ServerConfig server;
  std::vector<Warehouse> warehouses;  // all in file order
  std::vector<Destination> destinations;
  std::vector<Sync> syncs;
  std::vector<Alert> alerts;

  // Lookups by name; null when absent. Pointers live as long as the Config.
  const Warehouse* find_warehouse(std::string_view name) const;
  const Destination* find_destination(std::string_view name) const;
  const Sync* find_sync(std::string_view name) const;
};

}  // namespace backflow::config
