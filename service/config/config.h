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

#include "destinations/destination_config.h"
#include "mappers/mapping_spec.h"
#include "model/sql_dialect.h"
#include "common/source_location.h"
#include "service/schedule/cron.h"
#include "service/schedule/time_zone.h"

namespace backflow::config {

// Defined by the layers that use them; the config parses into them.
using backflow::Dialect;
using backflow::SourceLocation;
using backflow::to_string;
using destinations::DeliveryRetry;
using destinations::Destination;
using destinations::MatchOn;
using destinations::OnDelete;
using destinations::RateLimit;
using destinations::SyncDestination;
using destinations::SyncMode;
using destinations::to_string;

enum class DiffEngine { local, warehouse };
enum class SendFields { all_fields, changed_fields };
enum class AlertType { webhook, slack };

// The spelling used in the config file ("delete" for OnDelete::delete_record).
std::string_view to_string(DiffEngine value);
std::string_view to_string(SendFields value);
std::string_view to_string(AlertType value);

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // host:port
  std::string auth_token;                 // secret; empty = no API auth
  std::uint32_t workers = 4;              // runs in parallel (`serve`)
  std::chrono::milliseconds shutdown_grace{30'000};  // SIGTERM: how long running runs get to checkpoint
  // Set: the API and dashboard are served over HTTPS only, with these PEM files.
  struct Tls {
    std::string cert_file;
    std::string key_file;
  };
  std::optional<Tls> tls;
  // API tokens with roles (read | operate | admin), besides auth_token,
  // which is one admin token named "admin".
  struct Token {
    std::string name;
    std::string token;  // secret
    std::string role;
  };
  std::vector<Token> tokens;
};

struct Warehouse {
  std::string name;
  std::string connection;  // ODBC connection string; secret-bearing, never log it
  Dialect dialect = Dialect::postgres;
  std::string bookkeeping_schema = "backflow";
  std::uint32_t fetch_batch_rows = 1000;
  SourceLocation location;
};

struct SyncSource {
  std::string warehouse;
  std::optional<std::string> table;  // exactly one of table and query is set
  std::optional<std::string> query;
  std::vector<std::string> primary_key;  // one or more columns, never empty
  SourceLocation location;               // of the `source:` key
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
  std::vector<std::string> syncs;  // run once every one of these has succeeded since this sync's last run
};
using Schedule = std::variant<ManualSchedule, CronSchedule, EverySchedule, AfterSchedule>;

struct DiffSettings {
  DiffEngine engine = DiffEngine::warehouse;  // default: local for sqlite, else warehouse
  SendFields send = SendFields::all_fields;
};

// What the sync's `guard:` says; unset fields keep the safe defaults that
// runner::guard_violation applies (docs/runner.md "Guards").
struct Guard {
  std::optional<double> max_removed_pct;  // 0-100; default 50, models under 20 records exempt
  std::optional<std::uint64_t> max_removed_rows;
  std::optional<std::uint64_t> min_rows;
  std::optional<double> max_changed_pct;  // 0-100; off by default
  bool allow_empty = false;               // an empty model may remove every committed record
};

// When a finished run is `partial` and when it is `failed` (docs/runner.md "Outcomes").
struct RunOutcomePolicy {
  double max_rejected_pct = 10;  // 0-100: above this share of records not accepted, the run failed
};

// Where a sync writes its run history and every record's outcome, as the
// tables sync_runs and sync_changelog of a warehouse (docs/writeback.md).
struct Writeback {
  std::string warehouse;  // a configured warehouse's name
  std::string schema;     // default: that warehouse's bookkeeping_schema
  SourceLocation location;
};

struct SyncRetry {
  std::uint32_t max_attempts = 10;  // per record, across runs, before it is dead
};

struct Sync {
  std::string name;
  SyncSource source;
  SyncDestination destination;
  mappers::MappingSpec mapping;  // in file order
  Schedule schedule = ManualSchedule{};
  SourceLocation schedule_location;  // of the schedule value; the sync's key when absent
  DiffSettings diff;
  Guard guard;
  RunOutcomePolicy outcome;
  SyncRetry retry;
  // Which per-record results a run keeps (API, dashboard, a record's
  // history): only the failed ones, or every record's, accepted included.
  enum class RecordLog { failures, all };
  RecordLog record_log = RecordLog::failures;
  std::chrono::milliseconds retention = std::chrono::hours(24 * 30);  // how long run history is kept
  // The sync's own `writeback:`, else the top-level one; unset when neither
  // is given or the sync says `writeback: false`.
  std::optional<Writeback> writeback;
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
  std::optional<Writeback> writeback;  // the top-level default for every sync

  // Lookups by name; null when absent. Pointers live as long as the Config.
  const Warehouse* find_warehouse(std::string_view name) const;
  const Destination* find_destination(std::string_view name) const;
  const Sync* find_sync(std::string_view name) const;
};

}  // namespace backflow::config
