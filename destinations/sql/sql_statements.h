// The SQL text the `sql` destination runs, per dialect: upsert (in the
// dialect's UpsertForm: INSERT ... ON CONFLICT for PostgreSQL and SQLite, ON
// DUPLICATE KEY for MySQL, MERGE for the others), insert, update, delete and
// CREATE TABLE (with the dialect's column types). Identifiers are
// quoted (model/sql_dialect.h); values are always '?' markers bound by the
// caller, in the order parameter_columns() gives. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "model/row_source.h"
#include "model/sql_dialect.h"

namespace backflow::destinations {

struct SqlTableShape {
  Dialect dialect = Dialect::postgres;
  std::string table;                     // possibly qualified: schema.table
  std::vector<std::string> key_columns;  // the primary key, never empty
  std::vector<std::string> columns;      // every column written, key columns included
};

struct SqlStatement {
  std::string text;
  std::vector<std::string> parameters;  // the column whose value binds to each '?', in order
};

SqlStatement upsert_statement(const SqlTableShape& shape);
SqlStatement insert_statement(const SqlTableShape& shape);
// Updates the non-key columns of the row with the key (a key-only shape sets
// the key to itself: the affected row count still says whether it exists).
SqlStatement update_statement(const SqlTableShape& shape);
SqlStatement delete_statement(const SqlTableShape& shape);

// The column type a model column gets in CREATE TABLE, per dialect
// ("BIGINT", "NUMERIC", "TEXT", "TIMESTAMPTZ", ...; SqlDialect::column_type).
// Key columns of text type get a bounded VARCHAR where the dialect cannot
// index unbounded text.
std::string column_type(Dialect dialect, const ColumnInfo& column, bool key_column);

// CREATE TABLE IF NOT EXISTS with the columns in order and the primary key.
std::string create_table_statement(Dialect dialect, const std::string& table, const std::vector<ColumnInfo>& columns,
                                   const std::vector<std::string>& key_columns);

}  // namespace backflow::destinations
