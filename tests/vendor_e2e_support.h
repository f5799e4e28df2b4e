// Shared by the vendor end-to-end tests: a `customers` model in a SQLite
// warehouse file that changes at random, and a config syncing it to one
// vendor destination, run through the real `backflow run --json` binary.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "odbc/connection.h"
#include "tests/support/test_env.h"

namespace backflow::test {

struct Customer {
  std::string email;       // c<id>@example.com unless set_email changed it
  std::string first_name;
  std::int64_t score = 0;
};

// customers(id integer primary key, email text, first_name text, score integer).
class CustomerModel {
 public:
  CustomerModel(const std::filesystem::path& dir, int rows);
  const std::string& connection_string() const { return connection_string_; }

  // Renames and rescores a few customers, deletes a few, inserts a few.
  void random_changes(std::mt19937& rng);
  void set_email(std::int64_t id, const std::string& email);
  void execute(const std::string& sql) { connection_.execute(sql); }

  std::map<std::int64_t, Customer> rows();

 private:
  std::string connection_string_;
  odbc::Connection connection_;
  std::int64_t next_id_ = 1;
};

// The YAML a test supplies for its vendor; the harness adds the warehouse,
// the sync's source (customers, primary key id) and the rest.
struct VendorSyncYaml {
  std::string destination;       // the body of `destinations.vendor:` (indented 4)
  std::string sync_destination;  // flow-map body of the sync's `destination:`, without `name`
  std::string mapping;           // the body of `mapping:` (indented 6)
};

class VendorSyncRun {
 public:
  VendorSyncRun(const std::string& label, const CustomerModel& model, const VendorSyncYaml& yaml);

  // `backflow run --json` on the sync; REQUIREs it exited with
  // `expected_exit` (0 succeeded, 4 partial, 1 failed: docs/runner.md
  // "Outcomes") and returns the parsed document (run record plus "failures").
  nlohmann::json run(int expected_exit = 0);
  // `backflow run` with `env` prefixed ("VAR=x "), its result unchecked.
  CommandResult run_unchecked(const std::string& env);
  // `backflow status --json`.
  nlohmann::json status();
  const std::filesystem::path& config_file() const { return config_file_; }

 private:
  std::filesystem::path dir_, config_file_;
};

// The failure of `document` (run --json) for key `key`, or null.
nlohmann::json failure_for(const nlohmann::json& document, const std::string& key);

}  // namespace backflow::test
