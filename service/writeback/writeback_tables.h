// The two tables a sync's warehouse writeback maintains (docs/writeback.md):
// `sync_runs`, one row per run, and `sync_changelog`, one row per record
// outcome, with their columns, DDL and statements per dialect. Where the
// dialect has schemas they live in the configured schema; SQLite has none,
// so there the schema becomes a prefix ("backflow__sync_runs"), as the
// warehouse engine's bookkeeping tables do. Values are always '?' markers,
// bound in the order each statement's `parameters` gives. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "destinations/sql/sql_statements.h"
#include "model/sql_dialect.h"

namespace backflow::writeback {

struct WritebackTables {
  Dialect dialect = Dialect::postgres;
  std::string schema;     // as configured; "" where the dialect has no schemas
  std::string runs;       // the runs table, qualified and quoted
  std::string changelog;  // the changelog table, qualified and quoted
};

WritebackTables writeback_tables(Dialect dialect, const std::string& schema);

// Column names, in table order (the statements' parameters use them).
const std::vector<ColumnInfo>& run_columns();
const std::vector<ColumnInfo>& changelog_columns();

// CREATE SCHEMA (where the dialect has schemas) and both CREATE TABLE IF NOT
// EXISTS, in the order to run them.
std::vector<std::string> create_statements(const WritebackTables& tables);

// Insert or replace one run's row, keyed by (sync_name, run_id).
destinations::SqlStatement upsert_run(const WritebackTables& tables);
// Insert or replace one changelog row, keyed by (sync_name, run_id, change_index).
destinations::SqlStatement upsert_change(const WritebackTables& tables);
// Deletes a run's changelog rows from a change index on (parameters:
// sync_name, run_id, change_index): what a resumed run writes again.
std::string delete_changes_from(const WritebackTables& tables);
// Deletes a sync's rows of runs started before a time (parameters:
// sync_name, started_at; twice for the changelog: sync_name, sync_name,
// started_at).
std::string delete_old_changes(const WritebackTables& tables);
std::string delete_old_runs(const WritebackTables& tables);

}  // namespace backflow::writeback
