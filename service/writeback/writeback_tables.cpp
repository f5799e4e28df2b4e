#include "service/writeback/writeback_tables.h"

namespace backflow::writeback {

namespace {

ColumnInfo column(const char* name, ValueType type) {
  ColumnInfo info;
  info.name = name;
  info.type = type;
  return info;
}

const std::vector<std::string> kRunKey = {"sync_name", "run_id"};
const std::vector<std::string> kChangeKey = {"sync_name", "run_id", "change_index"};

std::vector<std::string> names_of(const std::vector<ColumnInfo>& columns) {
  std::vector<std::string> names;
  for (const ColumnInfo& c : columns) names.push_back(c.name);
  return names;
}

}  // namespace

WritebackTables writeback_tables(Dialect dialect, const std::string& schema) {
  WritebackTables tables;
  tables.dialect = dialect;
  if (sql_dialect(dialect).capabilities().schemas) {
    tables.schema = schema;
    const std::string quoted = quote_identifier(dialect, schema);
    tables.runs = quoted + "." + quote_identifier(dialect, "sync_runs");
    tables.changelog = quoted + "." + quote_identifier(dialect, "sync_changelog");
  } else {
    tables.runs = quote_identifier(dialect, schema + "__sync_runs");
    tables.changelog = quote_identifier(dialect, schema + "__sync_changelog");
  }
  return tables;
}

const std::vector<ColumnInfo>& run_columns() {
  static const std::vector<ColumnInfo> columns = [] {
    std::vector<ColumnInfo> c = {column("sync_name", ValueType::Text),   column("run_id", ValueType::Text),
                                 column("status", ValueType::Text),      column("run_trigger", ValueType::Text),
                                 column("started_at", ValueType::Timestamp),
                                 column("finished_at", ValueType::Timestamp),
                                 column("error_phase", ValueType::Text), column("error", ValueType::Text)};
    for (const char* count : {"rows_read", "added", "changed", "removed", "skipped", "sent", "accepted", "rejected",
                              "undelivered", "invalid", "dead", "retried", "failed_again"}) {
      c.push_back(column(count, ValueType::Int));
    }
    return c;
  }();
  return columns;
}

const std::vector<ColumnInfo>& changelog_columns() {
  static const std::vector<ColumnInfo> columns = {
      column("sync_name", ValueType::Text),  column("run_id", ValueType::Text),
      column("change_index", ValueType::Int), column("op", ValueType::Text),
      column("record_key", ValueType::Text), column("status", ValueType::Text),
      column("dead", ValueType::Bool),       column("attempt", ValueType::Int),
      column("http_status", ValueType::Int), column("message", ValueType::Text),
      column("recorded_at", ValueType::Timestamp)};
  return columns;
}

std::vector<std::string> create_statements(const WritebackTables& tables) {
  std::vector<std::string> statements;
  if (!tables.schema.empty()) {
    statements.push_back("CREATE SCHEMA IF NOT EXISTS " + quote_identifier(tables.dialect, tables.schema));
  }
  statements.push_back(destinations::create_table_statement(tables.dialect, tables.runs, run_columns(), kRunKey));
  statements.push_back(
      destinations::create_table_statement(tables.dialect, tables.changelog, changelog_columns(), kChangeKey));
  return statements;
}

destinations::SqlStatement upsert_run(const WritebackTables& tables) {
  return destinations::upsert_statement({tables.dialect, tables.runs, kRunKey, names_of(run_columns())});
}

destinations::SqlStatement upsert_change(const WritebackTables& tables) {
  return destinations::upsert_statement({tables.dialect, tables.changelog, kChangeKey, names_of(changelog_columns())});
}

std::string delete_changes_from(const WritebackTables& tables) {
  const Dialect d = tables.dialect;
  return "DELETE FROM " + tables.changelog + " WHERE " + quote_identifier(d, "sync_name") + " = ? AND " +
         quote_identifier(d, "run_id") + " = ? AND " + quote_identifier(d, "change_index") + " >= ?";
}

std::string delete_old_changes(const WritebackTables& tables) {
  const Dialect d = tables.dialect;
  const std::string sync = quote_identifier(d, "sync_name"), run = quote_identifier(d, "run_id");
  return "DELETE FROM " + tables.changelog + " WHERE " + sync + " = ? AND " + run + " IN (SELECT " + run + " FROM " +
         tables.runs + " WHERE " + sync + " = ? AND " + quote_identifier(d, "started_at") + " < ?)";
}

std::string delete_old_runs(const WritebackTables& tables) {
  const Dialect d = tables.dialect;
  return "DELETE FROM " + tables.runs + " WHERE " + quote_identifier(d, "sync_name") + " = ? AND " +
         quote_identifier(d, "started_at") + " < ?";
}

}  // namespace backflow::writeback
