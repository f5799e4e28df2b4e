#include "tests/vendor_e2e_support.h"

#include <catch2/catch.hpp>

#include <fstream>

#include "tests/odbc_test_helpers.h"

namespace backflow::test {
namespace {

std::string email_of(std::int64_t id) { return "c" + std::to_string(id) + "@example.com"; }

}  // namespace

CustomerModel::CustomerModel(const std::filesystem::path& dir, int rows)
    : connection_string_(sqlite_connection_string(dir / "warehouse.db")),
      connection_(odbc::Connection::open(connection_string_, "warehouse")) {
  connection_.execute("create table customers (id integer primary key, email text, first_name text, score integer)");
  connection_.set_autocommit(false);
  for (int i = 0; i < rows; ++i) {
    const std::int64_t id = next_id_++;
    connection_.execute("insert into customers values (?, ?, ?, ?)",
                        {Value::integer(id), Value::text(email_of(id)), Value::text("name " + std::to_string(id)),
                         Value::integer(id % 50)});
  }
  connection_.commit();
  connection_.set_autocommit(true);
}

void CustomerModel::random_changes(std::mt19937& rng) {
  std::uniform_int_distribution<std::int64_t> pick(1, next_id_ - 1);
  connection_.set_autocommit(false);
  for (int i = 0; i < 6; ++i) {
    connection_.execute("update customers set first_name = first_name || '+', score = score + 7 where id = ?",
                        {Value::integer(pick(rng))});
  }
  for (int i = 0; i < 3; ++i) connection_.execute("delete from customers where id = ?", {Value::integer(pick(rng))});
  for (int i = 0; i < 4; ++i) {
    const std::int64_t id = next_id_++;
    connection_.execute("insert into customers values (?, ?, ?, ?)",
                        {Value::integer(id), Value::text(email_of(id)), Value::text("new " + std::to_string(id)),
                         Value::integer(id % 11)});
  }
  connection_.commit();
  connection_.set_autocommit(true);
}

void CustomerModel::set_email(std::int64_t id, const std::string& email) {
  connection_.execute("update customers set email = ? where id = ?", {Value::text(email), Value::integer(id)});
}

std::map<std::int64_t, Customer> CustomerModel::rows() {
  std::map<std::int64_t, Customer> out;
  for (const Row& row : read_all(connection_, "select id, email, first_name, score from customers")) {
    out[row[0].as_int()] = Customer{row[1].as_text(), row[2].as_text(), row[3].as_int()};
  }
  return out;
}

VendorSyncRun::VendorSyncRun(const std::string& label, const CustomerModel& model, const VendorSyncYaml& yaml)
    : dir_(make_temp_dir(label)), config_file_(dir_ / "backflow.yaml") {
  std::ofstream out(config_file_);
  out << "version: 1\n"
      << "state_dir: " << (dir_ / "state").string() << "\n"
      << "warehouses:\n  warehouse:\n    connection: " << nlohmann::json(model.connection_string()).dump()
      << "\n    dialect: sqlite\n"
      << "destinations:\n  vendor:\n"
      << yaml.destination << "    retry: { max_attempts: 3, base_delay: 5ms, max_delay: 20ms }\n"
      << "syncs:\n  customers_sync:\n"
      << "    source: { warehouse: warehouse, table: customers, primary_key: id }\n"
      << "    destination: { name: vendor, " << yaml.sync_destination << " }\n"
      << "    mapping:\n"
      << yaml.mapping << "    retry: { max_attempts: 5 }\n";
}

nlohmann::json VendorSyncRun::run(int expected_exit) {
  const std::filesystem::path errors = dir_ / "run.stderr";
  // In a subshell: run_command adds its own 2>&1 after the command.
  CommandResult result = run_command("(" + shell_quote(backflow_binary().string()) + " run -c " +
                                     shell_quote(config_file_.string()) + " customers_sync --json 2>" +
                                     shell_quote(errors.string()) + ")");
  std::ifstream in(errors);
  const std::string stderr_text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  INFO(result.output << stderr_text);
  REQUIRE(result.exit_code == expected_exit);
  return nlohmann::json::parse(result.output);
}

CommandResult VendorSyncRun::run_unchecked(const std::string& env) {
  return run_command(env + shell_quote(backflow_binary().string()) + " run -c " + shell_quote(config_file_.string()) +
                     " customers_sync --json");
}

nlohmann::json VendorSyncRun::status() {
  CommandResult result = run_command("(" + shell_quote(backflow_binary().string()) + " status -c " +
                                     shell_quote(config_file_.string()) + " --json 2>/dev/null)");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.output);
}

nlohmann::json failure_for(const nlohmann::json& document, const std::string& key) {
  for (const auto& failure : document.value("failures", nlohmann::json::array())) {
    if (failure.value("key", "") == key) return failure;
  }
  return nullptr;
}

}  // namespace backflow::test
