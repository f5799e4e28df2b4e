// The `sql` destination: the statements it generates per dialect (golden),
// and rounds of random changes written into real PostgreSQL and SQLite
// tables that afterwards hold exactly the model, with bad rows rejected one
// by one while the rest of their batch commits.
#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "destinations/sql/sql_destination.h"
#include "destinations/sql/sql_statements.h"
#include "odbc/connection.h"
#include "mappers/exact_number.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::destinations;

namespace {

SqlTableShape orders_shape(Dialect dialect) {
  return SqlTableShape{dialect, "crm.orders", {"order_id"}, {"order_id", "status", "amount"}};
}

ColumnInfo column(const std::string& name, ValueType type) {
  ColumnInfo info;
  info.name = name;
  info.type = type;
  return info;
}

std::vector<ColumnInfo> order_columns() {
  ColumnInfo amount = column("amount", ValueType::Decimal);
  amount.size = 12;
  amount.scale = 2;
  return {column("order_id", ValueType::Int), column("status", ValueType::Text), amount,
          column("paid", ValueType::Bool)};
}

DeliveryRecord order(std::int64_t id, const std::string& status, const std::string& amount, bool paid) {
  DeliveryRecord record;
  record.key = std::to_string(id);
  record.key_json = {{"order_id", id}};
  record.fields = {{"order_id", id}, {"status", status}, {"amount", mappers::exact_number(amount)}, {"paid", paid}};
  return record;
}

DeliveryRecord removal(std::int64_t id) {
  DeliveryRecord record;
  record.op = Operation::Delete;
  record.key = std::to_string(id);
  record.key_json = {{"order_id", id}};
  return record;
}

// order_id -> "status|amount|paid" as the table holds it.
std::map<std::int64_t, std::string> table_rows(const std::string& connection_string, const std::string& table) {
  auto connection = odbc::Connection::open(connection_string, "check");
  auto reader = connection.query("SELECT order_id, status, amount, paid FROM " + table);
  std::map<std::int64_t, std::string> rows;
  Row row;
  while (reader.next(row)) {
    std::string amount = row[2].to_display();
    if (amount.find('.') != std::string::npos) {  // SQLite drops trailing zeros; compare numbers
      while (amount.back() == '0') amount.pop_back();
      if (amount.back() == '.') amount.pop_back();
    }
    const bool paid = row[3].type() == ValueType::Bool ? row[3].as_bool() : row[3].as_int() != 0;
    const std::int64_t id = row[0].type() == ValueType::Int ? row[0].as_int() : std::stoll(row[0].to_display());
    rows[id] = row[1].to_display() + "|" + amount + "|" + (paid ? "true" : "false");
  }
  return rows;
}

// A destination writing orders into `table`, keyed on order_id; with
// `create_table`, it creates the table from order_columns() first.
SqlDestinationOptions orders_options(const std::string& name, const std::string& connection_string,
                                     const std::string& table, bool create_table) {
  SqlDestinationOptions options;
  options.name = name;
  options.connection_string = connection_string;
  options.table = table;
  options.key_columns = {"order_id"};
  if (create_table) options.columns = order_columns();
  options.create_table = create_table;
  return options;
}

struct Outcomes {
  DeliverySummary summary;
  std::vector<RecordOutcome> outcomes;
};

Outcomes write(SqlDestination& destination, SyncMode mode, const std::vector<DeliveryRecord>& records) {
  VectorFeed feed(records);
  Outcomes result;
  DeliveryCallbacks callbacks;
  callbacks.on_outcome = [&](const RecordOutcome& outcome) { result.outcomes.push_back(outcome); };
  result.summary = destination.deliver({"orders_to_table", "run-1", mode, 0, {}}, feed, callbacks);
  return result;
}

// Random rounds of upserts and deletes (mirror): the table equals the model after each.
void random_rounds(const std::string& connection_string, Dialect dialect) {
  SqlDestinationOptions options = orders_options("orders-table", connection_string, "orders_copy", true);
  options.dialect = dialect;
  options.batch_size = 40;
  SqlDestination destination(options);
  std::mt19937 random(17);
  std::map<std::int64_t, std::string> model;
  std::int64_t next_id = 1;
  for (int round = 0; round < 4; ++round) {
    std::vector<DeliveryRecord> records;
    std::map<std::int64_t, bool> touched;
    for (int change = 0; change < 120; ++change) {
      const auto roll = random() % 10;
      if (model.empty() || roll < 5) {
        const std::int64_t id = next_id++;
        const std::string amount = std::to_string(random() % 100000) + ".5";
        const bool paid = random() % 2 == 0;
        records.push_back(order(id, "new", amount, paid));
        model[id] = "new|" + amount + "|" + (paid ? "true" : "false");
        touched[id] = true;
        continue;
      }
      auto it = std::next(model.begin(), static_cast<long>(random() % model.size()));
      if (touched.count(it->first)) continue;
      touched[it->first] = true;
      if (roll < 8) {
        records.push_back(order(it->first, "shipped", "10.25", true));
        it->second = "shipped|10.25|true";
      } else {
        records.push_back(removal(it->first));
        model.erase(it);
      }
    }
    auto result = write(destination, SyncMode::mirror, records);
    INFO("round " << round);
    CHECK(result.summary.accepted == records.size());
    CHECK(table_rows(connection_string, "orders_copy") == model);
  }
}

void rejects_bad_rows_alone(const std::string& connection_string, Dialect dialect) {
  auto connection = odbc::Connection::open(connection_string, "setup");
  connection.execute("DROP TABLE IF EXISTS orders_checked");
  connection.execute(
      "CREATE TABLE orders_checked (order_id BIGINT PRIMARY KEY, status TEXT NOT NULL, amount NUMERIC(12,2), "
      "paid BOOLEAN, CHECK (amount >= 0))");
  SqlDestinationOptions options = orders_options("orders-checked", connection_string, "orders_checked", false);
  options.dialect = dialect;
  options.batch_size = 10;
  SqlDestination destination(options);

  std::vector<DeliveryRecord> records;
  for (std::int64_t id = 1; id <= 10; ++id) records.push_back(order(id, "new", id == 4 ? "-1.00" : "1.50", false));
  auto inserted = write(destination, SyncMode::insert, records);
  CHECK(inserted.summary.accepted == 9);
  CHECK(inserted.summary.rejected == 1);
  for (const auto& outcome : inserted.outcomes) {
    if (outcome.key != "4") continue;
    CHECK(outcome.status == RecordStatus::Rejected);
    CHECK(outcome.message.find("SQLSTATE") != std::string::npos);
  }
  CHECK(table_rows(connection_string, "orders_checked").size() == 9);

  // Insert mode: a key that exists is a rejected row, not a lost batch.
  auto again = write(destination, SyncMode::insert, {order(1, "dup", "2.00", true), order(11, "new", "3.00", true)});
  CHECK(again.summary.accepted == 1);
  CHECK(again.summary.rejected == 1);

  // Update mode: existing rows only.
  auto updated = write(destination, SyncMode::update, {order(2, "paid", "1.50", true), order(99, "x", "1.00", true)});
  CHECK(updated.summary.accepted == 1);
  CHECK(updated.summary.rejected == 1);
  auto rows = table_rows(connection_string, "orders_checked");
  CHECK(rows.at(2) == "paid|1.5|true");
  CHECK(rows.count(99) == 0);
}

}  // namespace

TEST_CASE("sql upsert statements per dialect", "[sql]") {
  CHECK(upsert_statement(orders_shape(Dialect::postgres)).text ==
        "INSERT INTO \"crm\".\"orders\" (\"order_id\", \"status\", \"amount\") VALUES (?, ?, ?) ON CONFLICT "
        "(\"order_id\") DO UPDATE SET \"status\" = excluded.\"status\", \"amount\" = excluded.\"amount\"");
  CHECK(upsert_statement(orders_shape(Dialect::mysql)).text ==
        "INSERT INTO `crm`.`orders` (`order_id`, `status`, `amount`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
        "`status` = VALUES(`status`), `amount` = VALUES(`amount`)");
  const auto merge = upsert_statement(orders_shape(Dialect::snowflake));
  CHECK(merge.text ==
        "MERGE INTO \"crm\".\"orders\" AS target USING (SELECT ? AS \"order_id\", ? AS \"status\", ? AS \"amount\") "
        "AS source ON target.\"order_id\" = source.\"order_id\" WHEN MATCHED THEN UPDATE SET \"status\" = "
        "source.\"status\", \"amount\" = source.\"amount\" WHEN NOT MATCHED THEN INSERT (\"order_id\", \"status\", "
        "\"amount\") VALUES (source.\"order_id\", source.\"status\", source.\"amount\")");
  CHECK(merge.parameters == std::vector<std::string>{"order_id", "status", "amount"});
  CHECK(upsert_statement(orders_shape(Dialect::bigquery)).text.rfind("MERGE INTO `crm`.`orders` AS target", 0) == 0);
  const auto update = update_statement(orders_shape(Dialect::postgres));
  CHECK(update.text == "UPDATE \"crm\".\"orders\" SET \"status\" = ?, \"amount\" = ? WHERE \"order_id\" = ?");
  CHECK(update.parameters == std::vector<std::string>{"status", "amount", "order_id"});
  CHECK(delete_statement(orders_shape(Dialect::sqlite)).text == "DELETE FROM \"crm\".\"orders\" WHERE \"order_id\" = ?");
}

TEST_CASE("sql create_table derives column types from the model per dialect", "[sql]") {
  CHECK(create_table_statement(Dialect::postgres, "orders", order_columns(), {"order_id"}) ==
        "CREATE TABLE IF NOT EXISTS \"orders\" (\"order_id\" BIGINT NOT NULL, \"status\" TEXT, \"amount\" NUMERIC, "
        "\"paid\" BOOLEAN, PRIMARY KEY (\"order_id\"))");
  CHECK(create_table_statement(Dialect::snowflake, "orders", order_columns(), {"order_id"}) ==
        "CREATE TABLE IF NOT EXISTS \"orders\" (\"order_id\" NUMBER(38,0) NOT NULL, \"status\" VARCHAR, \"amount\" "
        "NUMBER(12,2), \"paid\" BOOLEAN, PRIMARY KEY (\"order_id\"))");
  const ColumnInfo text_key = column("email", ValueType::Text);
  CHECK(column_type(Dialect::mysql, text_key, true) == "VARCHAR(255)");
  CHECK(column_type(Dialect::mysql, text_key, false) == "TEXT");
}

TEST_CASE("sql destination on PostgreSQL: random mirror rounds leave the table equal to the model", "[pg][sql]") {
  auto connection = odbc::Connection::open(test::pg_connection_string(), "setup");
  connection.execute("DROP TABLE IF EXISTS orders_copy");
  random_rounds(test::pg_connection_string(), Dialect::postgres);
}

TEST_CASE("sql destination on PostgreSQL rejects a bad row and commits the rest of its batch", "[pg][sql]") {
  rejects_bad_rows_alone(test::pg_connection_string(), Dialect::postgres);
}

TEST_CASE("sql destination on SQLite: random mirror rounds leave the table equal to the model", "[sql]") {
  const auto db = test::make_temp_dir("sql-destination") / "target.db";
  random_rounds(test::sqlite_connection_string(db), Dialect::sqlite);
}

TEST_CASE("sql destination on SQLite rejects a bad row and commits the rest of its batch", "[sql]") {
  const auto db = test::make_temp_dir("sql-destination-checked") / "target.db";
  rejects_bad_rows_alone(test::sqlite_connection_string(db), Dialect::sqlite);
}


TEST_CASE("sql destination on MariaDB: the dialect is guessed from the driver, random mirror rounds", "[mariadb][sql]") {
  const std::string connection = test::mariadb_fresh_database("sql_rounds");
  CHECK(odbc::guess_dialect(connection) == Dialect::mysql);
  // Not given: guessed (a PostgreSQL guess failed every statement with 42000).
  SqlDestination destination(orders_options("orders-table", connection, "orders_copy", true));
  auto result = write(destination, SyncMode::mirror, {order(1, "new", "1.50", true), order(2, "new", "2.50", false)});
  CHECK(result.summary.accepted == 2);
  CHECK(table_rows(connection, "orders_copy") ==
        std::map<std::int64_t, std::string>{{1, "new|1.5|true"}, {2, "new|2.5|false"}});
  random_rounds(connection, Dialect::mysql);
}

TEST_CASE("sql destination on MariaDB rejects a bad row and commits the rest of its batch", "[mariadb][sql]") {
  rejects_bad_rows_alone(test::mariadb_fresh_database("sql_checked"), Dialect::mysql);
}

TEST_CASE("sql destination on MariaDB: update mode accepts a row that already holds the values", "[mariadb][sql]") {
  const std::string connection = test::mariadb_fresh_database("sql_update_same");
  auto setup = odbc::Connection::open(connection, "setup");
  setup.execute("CREATE TABLE orders_same (order_id BIGINT PRIMARY KEY, status TEXT, amount NUMERIC(12,2), paid BOOLEAN)");
  setup.execute("INSERT INTO orders_same VALUES (1, 'paid', 1.50, TRUE), (2, 'new', 2.00, FALSE)");
  SqlDestination destination(orders_options("orders-same", connection, "orders_same", false));
  // MariaDB reports changed rows unless told to report matched ones: row 1
  // already holds these values and must not read as missing.
  auto updated = write(destination, SyncMode::update,
                       {order(1, "paid", "1.50", true), order(2, "shipped", "2.00", true), order(3, "x", "1.00", true)});
  CHECK(updated.summary.accepted == 2);
  CHECK(updated.summary.rejected == 1);
  for (const auto& outcome : updated.outcomes) {
    CHECK(outcome.status == (outcome.key == "3" ? RecordStatus::Rejected : RecordStatus::Accepted));
  }
  CHECK(table_rows(connection, "orders_same") ==
        std::map<std::int64_t, std::string>{{1, "paid|1.5|true"}, {2, "shipped|2|true"}});
}

TEST_CASE("sql destination on MariaDB: long multi-byte values arrive whole and read back whole", "[mariadb][sql]") {
  const std::string connection = test::mariadb_fresh_database("sql_long");
  SqlDestination destination(orders_options("orders-long", connection, "orders_long", true));
  std::vector<DeliveryRecord> records;
  std::map<std::int64_t, std::string> expected;
  for (std::int64_t id = 1; id <= 1200; ++id) {
    std::string status = "s" + std::to_string(id);
    if (id % 7 == 0) {
      status += std::string(static_cast<std::size_t>(4090 - id % 4), '-');
      for (int i = 0; i < 200; ++i) status += "\xe2\x82\xac";  // €, three bytes
    }
    records.push_back(order(id, status, "1.25", id % 2 == 0));
    expected[id] = status + "|1.25|" + (id % 2 == 0 ? "true" : "false");
  }
  auto result = write(destination, SyncMode::upsert, records);
  CHECK(result.summary.accepted == records.size());
  const auto rows = table_rows(connection, "orders_long");
  CHECK(rows.size() == expected.size());
  CHECK(rows == expected);
}
