// Shared by the runner's end-to-end tests: a stateful webhook receiver that
// can refuse chosen records, a small `people` model in SQLite or PostgreSQL
// with random changes, and a harness that writes a config and runs a sync
// in-process (SyncRunner) or through the real `backflow run` binary.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "odbc/connection.h"
#include "service/config/config.h"
#include "service/runner/sync_runner.h"
#include "tests/support/http_test_server.h"
#include "tests/support/test_env.h"

namespace backflow::test {

// Holds one record per key (upserts merge fields, deletes remove), applies a
// batch once per Idempotency-Key, and rejects records whose key is in
// reject_keys() with a per-record error. Thread-safe.
class ModelReceiver {
 public:
  ModelReceiver();
  std::string url() const { return server_.url("/hook"); }

  std::map<std::string, nlohmann::json> records() const;
  void set_rejected(std::set<std::string> key_texts);  // key JSON text, e.g. {"id":7}
  void set_auth_failure(bool on);
  // Every request gets 503 (the destination is down): nothing is processed.
  void set_unavailable(bool on);
  // The next `requests` requests get 429 with `Retry-After: 1`, unprocessed.
  void throttle_next(std::uint64_t requests);
  // Every answer waits `delay` (a slow destination: a run stays in delivery).
  void set_delay(std::chrono::milliseconds delay);
  // Records received, and records whose key had already been received in
  // the same run (a resent in-flight batch after a crash).
  std::uint64_t records_received() const;
  std::uint64_t repeated_in_run() const;
  // Records whose exact payload (op, key, fields) had been received before,
  // in any run. Rows only ever change to new values in these tests, so this
  // counts resent records, whether resent by the same run or by a later one.
  std::uint64_t resent() const;
  std::uint64_t deletes_received() const;
  // Idempotency keys that arrived again with a different body: an
  // idempotent receiver would drop that new content as a repeat.
  std::uint64_t idempotency_conflicts() const;
  std::vector<nlohmann::json> bodies() const;  // every request body, parsed
  void clear_log();

 private:
  ServerReply handle(const ReceivedRequest& request);

  mutable std::mutex mutex_;
  std::map<std::string, nlohmann::json> records_;
  std::set<std::string> rejected_;
  std::set<std::string> seen_batches_;
  std::map<std::string, std::string> body_of_key_;  // idempotency key -> the body first sent with it
  std::uint64_t idempotency_conflicts_ = 0;
  std::set<std::pair<std::string, std::string>> seen_in_run_;  // (run_id, key)
  std::set<std::string> seen_payloads_;
  std::vector<nlohmann::json> bodies_;
  bool auth_failure_ = false;
  bool unavailable_ = false;
  std::uint64_t throttle_left_ = 0;
  std::chrono::milliseconds delay_{0};
  std::uint64_t received_ = 0, repeated_ = 0, deletes_ = 0, resent_ = 0;
  HttpTestServer server_;
};

// How the people model is written.
struct PeopleOptions {
  // MySQL/MariaDB: CONCAT instead of || (which is OR there).
  bool mysql = false;
  // Every n-th id (0: none) gets a name of about 4.7 KiB, multi-byte text
  // across the 4,096-byte fetch buffer's edge, so that several long values
  // share one fetch block.
  std::size_t long_name_every = 0;
};

// The model: people(id integer primary key, name text, score integer).
class PeopleModel {
 public:
  // Creates the table with `rows` rows (ids 1..rows).
  PeopleModel(odbc::Connection connection, std::size_t rows, PeopleOptions options = {});
  odbc::Connection& connection() { return connection_; }

  // Updates, deletes and inserts a few random rows.
  void random_changes(std::mt19937_64& rng);
  void execute(const std::string& sql) { connection_.execute(sql); }
  std::size_t row_count();

  // What a receiver must hold for mode upsert/mirror: key text -> fields.
  std::map<std::string, nlohmann::json> expected();

 private:
  std::string name_of(const std::string& prefix, std::int64_t id) const;

  odbc::Connection connection_;
  PeopleOptions options_;
  std::int64_t next_id_ = 1;
};

struct SyncSettings {
  std::string mode = "upsert";
  std::string on_delete = "nothing";
  std::string engine = "local";
  std::string send = "all_fields";
  std::string guard;  // YAML flow map body, e.g. "max_removed_pct: 20"
  std::string outcome;  // YAML flow map body, e.g. "max_rejected_pct: 50"
  std::string record_log;  // "all" or "failures"; unset when empty
  std::string source = "table: people";
  std::uint32_t max_attempts = 3;
  std::uint32_t batch_size = 10;
  std::uint32_t delivery_attempts = 2;
  std::string destination = "hook";  // its name: rate limiters are per name, process-wide
  // More keys of the sync's `destination:` flow map, e.g. "object: people".
  std::string destination_keys;
  std::uint32_t max_concurrency = 1;
  // MySQL/MariaDB schemas are databases, shared by every test: give each
  // test its own.
  std::string bookkeeping_schema = "backflow_test";
  // The sync's `writeback:` flow map body, e.g. "warehouse: logs, schema: x".
  std::string writeback;
  // A second warehouse named `logs` (for writeback): connection and dialect.
  std::string logs_connection, logs_dialect;
};

// A config in its own directory (state_dir inside it) syncing `people` to a
// receiver URL.
class RunnerHarness {
 public:
  RunnerHarness(const std::string& label, const std::string& connection, const std::string& dialect,
                const std::string& url, SyncSettings settings = {});

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& config_file() const { return config_file_; }
  const config::Config& config() const { return config_; }
  std::filesystem::path state_dir() const { return dir_ / "state"; }

  // One run in this process.
  runner::RunReport run(bool full_resync = false, bool dry_run = false, bool force = false);
  // `backflow run` as a child process, with `env` prefixed ("VAR=x ").
  CommandResult run_binary(const std::string& flags = "", const std::string& env = "");

 private:
  std::filesystem::path dir_, config_file_;
  config::Config config_;
};

// A SQLite people model of `rows` rows in a fresh directory, and a receiver.
struct SqliteRunnerSetup {
  std::filesystem::path dir;
  std::string connection;
  PeopleModel model;
  ModelReceiver receiver;

  SqliteRunnerSetup(const std::string& label, std::size_t rows)
      : dir(make_temp_dir(label)),
        connection(sqlite_connection_string(dir / "model.db")),
        model(odbc::Connection::open(connection, "model"), rows) {}
  RunnerHarness harness(SyncSettings settings = {}) {
    return RunnerHarness("runner-" + dir.filename().string(), connection, "sqlite", receiver.url(), settings);
  }
};

struct CrashCampaign {
  int kills = 0;
  int kills_while_sending = 0;  // at "ack" or "outcome": a batch may be in flight
};

// Runs `backflow run` with BACKFLOW_TEST_KILL_AT at random points (phases,
// n-th ack, n-th outcome), changing the model every third round, until
// `kills` runs were killed (or 3 × kills rounds). Checks each run either
// succeeded or was killed. Then runs twice to completion (the first may only
// finish an interrupted run whose diff predates the last model change).
CrashCampaign kill_randomly(RunnerHarness& harness, PeopleModel& model, std::mt19937_64& rng, int kills);

}  // namespace backflow::test
