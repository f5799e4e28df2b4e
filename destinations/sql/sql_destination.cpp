#include "destinations/sql/sql_destination.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "common/text.h"
#include "destinations/destination_error.h"
#include "destinations/sql/sql_statements.h"
#include "odbc/connection.h"
#include "odbc/error.h"
#include "mappers/exact_number.h"
#include "mappers/json_writer.h"

namespace backflow::destinations {

namespace {

// A mapped JSON value as the typed value bound to its parameter.
Value to_value(const nlohmann::json& json) {
  if (json.is_null()) return Value::null();
  if (auto exact = mappers::exact_number_text(json)) return Value::decimal(std::string(*exact));
  if (json.is_boolean()) return Value::boolean(json.get<bool>());
  if (json.is_number_integer()) return Value::integer(json.get<std::int64_t>());
  if (json.is_number_unsigned()) return Value::decimal(std::to_string(json.get<std::uint64_t>()));
  if (json.is_number_float()) return Value::real(json.get<double>());
  if (json.is_string()) return Value::text(json.get<std::string>());
  std::string text;
  mappers::write_json(json, text);
  return Value::text(std::move(text));
}

enum class RowResult { Written, Missing };

class BatchWriter {
 public:
  BatchWriter(const SqlDestinationOptions& options, odbc::Connection& connection, Dialect dialect, SyncMode mode)
      : options_(options), connection_(connection), dialect_(dialect), mode_(mode) {}

  RowResult write(const DeliveryRecord& record) {
    const SqlStatement& statement = statement_for(record);
    std::vector<Value> params;
    params.reserve(statement.parameters.size());
    for (const auto& column : statement.parameters) params.push_back(to_value(value_of(record, column)));
    const auto affected = connection_.execute(statement.text, params);
    if (record.op == Operation::Upsert && mode_ == SyncMode::update && affected == 0) return RowResult::Missing;
    return RowResult::Written;
  }

 private:
  static const nlohmann::json& value_of(const DeliveryRecord& record, const std::string& column) {
    static const nlohmann::json null_value;
    if (record.fields.is_object()) {
      auto it = record.fields.find(column);
      if (it != record.fields.end()) return *it;
    }
    if (record.key_json.is_object()) {
      auto it = record.key_json.find(column);
      if (it != record.key_json.end()) return *it;
    }
    return null_value;
  }

  const SqlStatement& statement_for(const DeliveryRecord& record) {
    SqlTableShape shape{dialect_, options_.table, options_.key_columns, options_.key_columns};
    if (record.op != Operation::Delete && record.fields.is_object()) {
      for (const auto& [name, value] : record.fields.items()) {
        if (std::find(shape.columns.begin(), shape.columns.end(), name) == shape.columns.end()) {
          shape.columns.push_back(name);
        }
      }
    }
    std::string signature = record.op == Operation::Delete ? "delete" : "write";
    for (const auto& column : shape.columns) signature += '\x1f' + column;
    auto it = statements_.find(signature);
    if (it != statements_.end()) return it->second;
    SqlStatement statement;
    if (record.op == Operation::Delete) {
      statement = delete_statement(shape);
    } else if (mode_ == SyncMode::update) {
      statement = update_statement(shape);
    } else if (mode_ == SyncMode::insert || mode_ == SyncMode::append) {
      statement = insert_statement(shape);
    } else {
      statement = upsert_statement(shape);
    }
    return statements_.emplace(signature, std::move(statement)).first->second;
  }

  const SqlDestinationOptions& options_;
  odbc::Connection& connection_;
  Dialect dialect_;
  SyncMode mode_;
  std::map<std::string, SqlStatement> statements_;
};

std::string missing_row_message(const DeliveryRecord& record, const std::string& table) {
  return "no row with key " + record.key + " in " + table + " (update mode changes existing rows only)";
}

}  // namespace

SqlDestination::SqlDestination(SqlDestinationOptions options) : options_(std::move(options)) {
  const std::string where = "destination '" + options_.name + "' (sql): ";
  if (options_.table.empty()) throw DestinationError(where + "the sync must name a table");
  if (options_.key_columns.empty()) throw DestinationError(where + "the sync's primary key columns are required");
  if (options_.batch_size == 0) options_.batch_size = 500;
}

std::vector<SyncMode> SqlDestination::supported_modes() {
  return {SyncMode::upsert, SyncMode::update, SyncMode::insert, SyncMode::mirror, SyncMode::append};
}

DeliverySummary SqlDestination::deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks) {
  const auto started = std::chrono::steady_clock::now();
  DeliverySummary summary;
  odbc::ConnectionOptions connection_options;
  connection_options.dialect = options_.dialect;
  auto connection = odbc::Connection::open(options_.connection_string, "destination '" + options_.name + "'",
                                           connection_options);
  if (!connection.dialect()) {
    // Guessing wrong (double quotes on MySQL) fails every statement; say so once.
    throw DestinationError("destination '" + options_.name + "' (sql): cannot tell the SQL dialect of driver '" +
                           connection.driver() +
                           "'; set `dialect:` (" + text::join(dialect_names(), ", ") + ")");
  }
  const Dialect dialect = *connection.dialect();
  if (options_.create_table) {
    if (options_.columns.empty()) {
      throw DestinationError("destination '" + options_.name + "' (sql): create_table needs the model's columns");
    }
    connection.execute(create_table_statement(dialect, options_.table, options_.columns, options_.key_columns));
  }
  connection.set_autocommit(false);
  BatchWriter writer(options_, connection, dialect, run.mode);
  std::uint64_t position = 0;
  std::uint64_t batch_sequence = run.first_batch_sequence;

  auto report = [&](const DeliveryRecord& record, std::uint64_t at, RecordStatus status, std::string message) {
    RecordOutcome outcome;
    outcome.position = at;
    outcome.key = record.key;
    outcome.op = record.op;
    outcome.status = status;
    outcome.message = std::move(message);
    outcome.attempts = 1;
    if (status == RecordStatus::Accepted) {
      ++summary.accepted;
    } else {
      ++summary.rejected;
    }
    if (callbacks.on_outcome) callbacks.on_outcome(outcome);
  };

  std::vector<DeliveryRecord> batch;
  for (;;) {
    if (run.stop.stop_requested()) {
      summary.cancelled = true;
      break;
    }
    batch.clear();
    DeliveryRecord record;
    while (batch.size() < options_.batch_size && feed.next(record)) batch.push_back(std::move(record));
    if (batch.empty()) break;
    summary.records += batch.size();
    ++summary.requests;

    // Outcomes are reported only after the transaction that wrote them commits.
    std::vector<std::pair<RecordStatus, std::string>> verdicts;
    auto verdict_for = [&](const DeliveryRecord& row, RowResult result) {
      if (result == RowResult::Missing) return std::pair{RecordStatus::Rejected, missing_row_message(row, options_.table)};
      return std::pair{RecordStatus::Accepted, std::string()};
    };
    try {
      for (const auto& row : batch) verdicts.push_back(verdict_for(row, writer.write(row)));
      connection.commit();
    } catch (const odbc::Error& error) {
      if (error.transient()) throw;
      connection.rollback();
      ++summary.bisections;
      verdicts.clear();
      // Row by row, each in its own transaction: the bad rows are rejected,
      // the rest commit. Not savepoints: psqlODBC rolls the whole transaction
      // back when a statement fails, savepoints included.
      for (const auto& row : batch) {
        try {
          const auto verdict = verdict_for(row, writer.write(row));
          connection.commit();
          verdicts.push_back(verdict);
        } catch (const odbc::Error& row_error) {
          if (row_error.transient()) throw;
          connection.rollback();
          verdicts.emplace_back(RecordStatus::Rejected,
                                "SQLSTATE " + row_error.sqlstate() + ": " + row_error.driver_message());
        }
      }
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      report(batch[i], position + i, verdicts[i].first, std::move(verdicts[i].second));
    }
    position += batch.size();
    if (callbacks.on_acknowledged) {
      callbacks.on_acknowledged(BatchAck{std::to_string(batch_sequence), batch.size(), position, batch_sequence});
      ++batch_sequence;
    }
  }
  summary.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return summary;
}

}  // namespace backflow::destinations
