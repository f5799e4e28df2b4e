#include "destinations/sql/sql_statements.h"

#include <algorithm>
#include <stdexcept>

namespace backflow::destinations {

namespace {

bool is_key(const SqlTableShape& shape, const std::string& column) {
  return std::find(shape.key_columns.begin(), shape.key_columns.end(), column) != shape.key_columns.end();
}

std::string q(const SqlTableShape& shape, const std::string& name) { return quote_identifier(shape.dialect, name); }

std::string column_list(const SqlTableShape& shape, const std::vector<std::string>& columns,
                        const std::string& prefix = "") {
  std::string text;
  for (const auto& column : columns) {
    if (!text.empty()) text += ", ";
    text += prefix + q(shape, column);
  }
  return text;
}

std::string markers(std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += i == 0 ? "?" : ", ?";
  return text;
}

std::vector<std::string> non_key_columns(const SqlTableShape& shape) {
  std::vector<std::string> columns;
  for (const auto& column : shape.columns) {
    if (!is_key(shape, column)) columns.push_back(column);
  }
  return columns;
}

std::string key_condition(const SqlTableShape& shape, const std::string& left, const std::string& right) {
  std::string text;
  for (const auto& key : shape.key_columns) {
    if (!text.empty()) text += " AND ";
    text += left + q(shape, key) + " = " + right + q(shape, key);
  }
  return text;
}

void require_keys(const SqlTableShape& shape) {
  if (shape.key_columns.empty()) throw std::invalid_argument("table " + shape.table + ": no primary key columns");
}

}  // namespace

SqlStatement insert_statement(const SqlTableShape& shape) {
  return {"INSERT INTO " + quote_qualified(shape.dialect, shape.table) + " (" + column_list(shape, shape.columns) +
              ") VALUES (" + markers(shape.columns.size()) + ")",
          shape.columns};
}

SqlStatement upsert_statement(const SqlTableShape& shape) {
  require_keys(shape);
  const std::string table = quote_qualified(shape.dialect, shape.table);
  const auto updated = non_key_columns(shape);
  switch (sql_dialect(shape.dialect).upsert_form()) {
    case UpsertForm::on_conflict: {
      SqlStatement statement = insert_statement(shape);
      statement.text += " ON CONFLICT (" + column_list(shape, shape.key_columns) + ")";
      if (updated.empty()) {
        statement.text += " DO NOTHING";
        return statement;
      }
      statement.text += " DO UPDATE SET ";
      for (std::size_t i = 0; i < updated.size(); ++i) {
        if (i != 0) statement.text += ", ";
        statement.text += q(shape, updated[i]) + " = excluded." + q(shape, updated[i]);
      }
      return statement;
    }
    case UpsertForm::on_duplicate_key: {
      SqlStatement statement = insert_statement(shape);
      // Assigning a key column to itself makes a key-only row a no-op.
      const auto& assigned = updated.empty() ? shape.key_columns : updated;
      statement.text += " ON DUPLICATE KEY UPDATE ";
      for (std::size_t i = 0; i < assigned.size(); ++i) {
        if (i != 0) statement.text += ", ";
        statement.text += q(shape, assigned[i]) + " = VALUES(" + q(shape, assigned[i]) + ")";
      }
      return statement;
    }
    case UpsertForm::merge:
      break;
  }
  std::string source;
  for (std::size_t i = 0; i < shape.columns.size(); ++i) {
    source += (i == 0 ? "? AS " : ", ? AS ") + q(shape, shape.columns[i]);
  }
  std::string text = "MERGE INTO " + table + " AS target USING (SELECT " + source + ") AS source ON " +
                     key_condition(shape, "target.", "source.");
  if (!updated.empty()) {
    text += " WHEN MATCHED THEN UPDATE SET ";
    for (std::size_t i = 0; i < updated.size(); ++i) {
      if (i != 0) text += ", ";
      text += q(shape, updated[i]) + " = source." + q(shape, updated[i]);
    }
  }
  text += " WHEN NOT MATCHED THEN INSERT (" + column_list(shape, shape.columns) + ") VALUES (" +
          column_list(shape, shape.columns, "source.") + ")";
  return {text, shape.columns};
}

SqlStatement update_statement(const SqlTableShape& shape) {
  require_keys(shape);
  auto updated = non_key_columns(shape);
  if (updated.empty()) updated = shape.key_columns;  // touches nothing, still reports whether the row exists
  std::string text = "UPDATE " + quote_qualified(shape.dialect, shape.table) + " SET ";
  for (std::size_t i = 0; i < updated.size(); ++i) {
    if (i != 0) text += ", ";
    text += q(shape, updated[i]) + " = ?";
  }
  text += " WHERE ";
  for (std::size_t i = 0; i < shape.key_columns.size(); ++i) {
    if (i != 0) text += " AND ";
    text += q(shape, shape.key_columns[i]) + " = ?";
  }
  std::vector<std::string> parameters = updated;
  parameters.insert(parameters.end(), shape.key_columns.begin(), shape.key_columns.end());
  return {text, parameters};
}

SqlStatement delete_statement(const SqlTableShape& shape) {
  require_keys(shape);
  std::string text = "DELETE FROM " + quote_qualified(shape.dialect, shape.table) + " WHERE ";
  for (std::size_t i = 0; i < shape.key_columns.size(); ++i) {
    if (i != 0) text += " AND ";
    text += q(shape, shape.key_columns[i]) + " = ?";
  }
  return {text, shape.key_columns};
}

std::string column_type(Dialect dialect, const ColumnInfo& column, bool key_column) {
  return sql_dialect(dialect).column_type(column, key_column);
}

std::string create_table_statement(Dialect dialect, const std::string& table, const std::vector<ColumnInfo>& columns,
                                   const std::vector<std::string>& key_columns) {
  std::string text = "CREATE TABLE IF NOT EXISTS " + quote_qualified(dialect, table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const bool key = std::find(key_columns.begin(), key_columns.end(), columns[i].name) != key_columns.end();
    if (i != 0) text += ", ";
    text += quote_identifier(dialect, columns[i].name) + " " + column_type(dialect, columns[i], key);
    if (key) text += " NOT NULL";
  }
  if (!key_columns.empty()) {
    text += ", PRIMARY KEY (";
    for (std::size_t i = 0; i < key_columns.size(); ++i) {
      if (i != 0) text += ", ";
      text += quote_identifier(dialect, key_columns[i]);
    }
    text += ")";
  }
  return text + ")";
}

}  // namespace backflow::destinations
