#include "diff/warehouse/warehouse_diff_engine.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "common/text.h"
#include "diff/diff_error.h"
#include "diff/invalid_rows.h"
#include "diff/model_columns.h"
#include "odbc/error.h"
#include "diff/record_key.h"
#include "diff/warehouse/table_names.h"
#include "diff/warehouse/warehouse_pending_snapshot.h"

namespace backflow::diff::warehouse {

namespace {

// The committed table's column names, lower-cased.
std::set<std::string> committed_columns(StatementRunner& runner, const DiffSql& sql) {
  std::set<std::string> columns;
  odbc::ResultReader reader = runner.query(sql.probe_committed());
  for (const auto& c : reader.columns()) columns.insert(text::lower(c.name));
  return columns;
}

// False when the committed table was taken with another primary key.
bool has_key_slots(const DiffSql& sql, const std::set<std::string>& committed_columns) {
  return std::all_of(sql.key_slots().begin(), sql.key_slots().end(),
                     [&](const std::string& slot) { return committed_columns.count(slot) > 0; });
}

// What the warehouse offers beyond the model's columns: the SQL it can run
// (the server version) and whether it guarantees unique keys (a unique
// index on the model table). Only asked where the dialect can tell.
void probe_warehouse_guarantees(StatementRunner& runner, const WarehouseModel& model, DiffSqlInput& input) {
  DiffSql probe(input);
  Row row;
  if (const std::string version = probe.probe_server_version(); !version.empty()) {
    odbc::ResultReader reader = runner.query(version);
    if (reader.next(row) && !row[0].is_null()) input.typed_row_hash = std::stol(row[0].as_text()) >= 140000;
  }
  if (model.table.empty()) return;
  if (const std::string unique = probe.probe_unique_key_index(input.model_from); !unique.empty()) {
    odbc::ResultReader reader = runner.query(unique);
    input.model_keys_unique = reader.next(row);
  }
}

std::string model_from(Dialect dialect, const WarehouseModel& model) {
  if (!model.table.empty()) return quote_qualified(dialect, model.table);
  return "(" + model.query + ")";
}

// What a sync's statements need before the model is probed: its tables and
// the config names its slots are named after.
DiffSqlInput sync_input(Dialect dialect, const std::string& bookkeeping_schema, const DiffSpec& spec) {
  DiffSqlInput input;
  input.dialect = dialect;
  input.tables = make_sync_tables(dialect, bookkeeping_schema, spec.sync_name);
  input.key_config_names = spec.primary_key;
  input.mapped_config_names = spec.mapped_columns;
  return input;
}

// Preflight: the model must be readable. Its columns, as the driver describes them.
std::vector<ColumnInfo> probe_model_columns(StatementRunner& runner, const DiffSqlInput& input, const DiffSpec& spec,
                                            const WarehouseModel& model) {
  try {
    odbc::ResultReader reader = runner.query(DiffSql(input).probe_model());
    return reader.columns();
  } catch (const odbc::Error& e) {
    if (e.transient()) throw;
    throw DiffError(spec.sync_name, "cannot read the model " +
                                        (model.table.empty() ? std::string("query") : "table '" + model.table + "'") +
                                        ": " + e.driver_message() + " (SQLSTATE " + e.sqlstate() + ")");
  }
}

// The model's key and mapped columns (names and types) into `input`; throws
// DiffError when one is missing (resolve_model_columns).
void add_model_columns(const DiffSpec& spec, const std::vector<ColumnInfo>& model_columns, DiffSqlInput& input) {
  const ModelColumns resolved = resolve_model_columns(spec, model_columns);
  for (auto i : resolved.key) {
    input.key_columns.push_back(model_columns[i].name);
    input.key_type_names.push_back(model_columns[i].type_name);
  }
  for (auto i : resolved.mapped) {
    input.mapped_columns.push_back(model_columns[i].name);
    input.mapped_type_names.push_back(model_columns[i].type_name);
  }
}

// Clears what an interrupted run left and makes sure the schema and the
// committed table exist.
void prepare_bookkeeping(StatementRunner& runner, const DiffSql& sql) {
  for (const auto& drop : sql.drop_transient_tables()) runner.execute(drop);
  runner.execute(sql.create_schema());
  for (const auto& statement : sql.create_committed_if_missing()) runner.execute(statement);
}

DiffMode plan_diff(const DiffSpec& spec, const DiffSql& sql, const std::set<std::string>& committed_slots) {
  DiffMode mode;
  mode.full_resync = spec.full_resync;
  mode.full_build = spec.full_resync || !sql.committed_layout_matches(committed_slots);
  mode.with_retry_keys = !spec.retry_keys.empty() && !spec.full_resync;
  return mode;
}

// Loads the retry keys if any and builds the diff table (in one transaction
// where that takes several statements).
void build_diff_table(StatementRunner& runner, const DiffSql& sql, const DiffSpec& spec, const DiffMode& mode,
                      const std::set<std::string>& committed_slots) {
  if (mode.with_retry_keys) {
    runner.load_keys(sql.create_key_table(sql.tables().retry_keys), sql.insert_key(sql.tables().retry_keys),
                     spec.retry_keys);
  }
  std::vector<std::string> build = sql.create_diff(mode, committed_slots);
  const std::string setting = sql.diff_session_setting();
  if (!setting.empty()) build.insert(build.begin(), setting);
  runner.run_all(build, build.size() > 1);
}

struct RunCounts {
  DiffCounts counts;
  std::uint64_t null_rows = 0;
  std::uint64_t duplicate_rows = 0;
};

RunCounts read_counts(StatementRunner& runner, const DiffSql& sql, const DiffSpec& spec) {
  std::map<std::string, std::uint64_t> per_op;
  {
    odbc::ResultReader reader = runner.query(sql.count_run());
    Row row;
    while (reader.next(row)) per_op[row[0].as_text()] = count_value(row[1]);
  }
  RunCounts run;
  run.null_rows = per_op["n"];
  run.duplicate_rows = per_op["d"];
  run.counts.added = per_op["a"];
  run.counts.changed = per_op["c"];
  run.counts.removed = per_op["r"];
  // The diff holds only changed and invalid rows; the unchanged ones are the
  // committed keys it neither removes nor finds duplicated.
  const std::uint64_t read_as_new = run.counts.added + run.duplicate_rows + run.null_rows;
  run.counts.rows_read = spec.full_resync ? read_as_new : per_op["K"] - run.counts.removed - per_op["D"] + read_as_new;
  // The samples are partial; the counts are exact.
  run.counts.invalid = run.null_rows + run.duplicate_rows;
  return run;
}

// Samples of the NULL-key and duplicate-key rows the counts found.
InvalidRows sample_invalid_rows(StatementRunner& runner, const DiffSql& sql, const DiffSpec& spec,
                                const RunCounts& run) {
  InvalidRows invalid;
  Row row;
  const std::size_t key_count = spec.primary_key.size();
  if (run.null_rows > 0) {
    odbc::ResultReader reader = runner.query(sql.null_key_sample());
    while (reader.next(row)) {
      std::size_t null_key = 0;
      while (null_key < key_count && !row[null_key].is_null()) ++null_key;
      invalid.add_null_key(spec.primary_key[std::min(null_key, key_count - 1)],
                           Row(row.begin() + static_cast<std::ptrdiff_t>(key_count), row.end()));
    }
  }
  if (run.duplicate_rows > 0) {
    odbc::ResultReader reader = runner.query(sql.duplicate_sample());
    while (reader.next(row)) {
      Row key(row.begin() + 1, row.begin() + 1 + static_cast<std::ptrdiff_t>(key_count));
      invalid.add_duplicates(make_record_key(std::move(key)), count_value(row[0]),
                             {Row(row.begin() + 1 + static_cast<std::ptrdiff_t>(key_count), row.end())});
    }
  }
  return invalid;
}

}  // namespace

WarehouseDiffEngine::WarehouseDiffEngine(odbc::Connection& connection, Dialect dialect, std::string bookkeeping_schema)
    : connection_(connection), dialect_(dialect), bookkeeping_schema_(std::move(bookkeeping_schema)) {}

std::unique_ptr<PendingSnapshot> WarehouseDiffEngine::diff(const DiffSpec& spec, const WarehouseModel& model) {
  if (model.table.empty() == model.query.empty()) {
    throw DiffError(spec.sync_name, "the model needs exactly one of a table or a query");
  }
  StatementRunner runner(connection_, before_statement);
  DiffSqlInput input = sync_input(dialect_, bookkeeping_schema_, spec);
  input.model_from = model_from(dialect_, model);
  add_model_columns(spec, probe_model_columns(runner, input, spec, model), input);
  probe_warehouse_guarantees(runner, model, input);
  DiffSql sql(input);

  prepare_bookkeeping(runner, sql);
  std::set<std::string> committed_slots = committed_columns(runner, sql);
  const bool keys_match = has_key_slots(sql, committed_slots);
  if (!keys_match && !spec.full_resync) {
    throw DiffError(spec.sync_name,
                    "primary key changed since the last committed snapshot (" + input.tables.committed_name +
                        " has other key columns); run a full resync");
  }
  const DiffMode mode = plan_diff(spec, sql, committed_slots);
  build_diff_table(runner, sql, spec, mode, committed_slots);

  const RunCounts run = read_counts(runner, sql, spec);
  InvalidRows invalid = sample_invalid_rows(runner, sql, spec, run);
  return std::make_unique<WarehousePendingSnapshot>(std::move(runner), std::move(sql), spec, std::move(committed_slots),
                                                    keys_match, mode.full_build, run.counts, std::move(invalid));
}

std::unique_ptr<PendingSnapshot> WarehouseDiffEngine::resume(const DiffSpec& spec, const DiffCounts& counts) {
  StatementRunner runner(connection_, before_statement);
  const DiffSqlInput input = sync_input(dialect_, bookkeeping_schema_, spec);
  DiffSql sql(input);

  // The commit drops the diff table in its transaction (or with the swap):
  // no diff table, nothing to resume.
  DiffCounts found;
  try {
    odbc::ResultReader reader = runner.query(sql.count_diff());
    Row row;
    while (reader.next(row)) {
      const std::string op = row[0].as_text();
      const std::uint64_t n = count_value(row[1]);
      if (op == "a") found.added = n;
      else if (op == "c") found.changed = n;
      else if (op == "r") found.removed = n;
    }
  } catch (const odbc::Error& e) {
    if (e.transient()) throw;
    // Committed (or dropped): clear what the commit's best-effort cleanup
    // may have left, as the next diff would.
    try {
      for (const auto& drop : sql.drop_transient_tables()) runner.execute(drop);
    } catch (const odbc::Error&) {
    }
    return nullptr;
  }
  if (found.added != counts.added || found.changed != counts.changed || found.removed != counts.removed) {
    // E.g. a PostgreSQL restart empties UNLOGGED tables.
    throw DiffError(spec.sync_name, "the interrupted run's diff table " + input.tables.diff + " holds " +
                                        std::to_string(found.added) + " added, " + std::to_string(found.changed) +
                                        " changed and " + std::to_string(found.removed) + " removed rows, not the " +
                                        std::to_string(counts.added) + ", " + std::to_string(counts.changed) + " and " +
                                        std::to_string(counts.removed) + " its diff recorded; it cannot be resumed");
  }
  std::set<std::string> committed_slots = committed_columns(runner, sql);
  const bool keys_match = has_key_slots(sql, committed_slots);
  const bool full_build = spec.full_resync || !sql.committed_layout_matches(committed_slots);
  return std::make_unique<WarehousePendingSnapshot>(std::move(runner), std::move(sql), spec, std::move(committed_slots),
                                                    keys_match, full_build, counts, InvalidRows());
}

}  // namespace backflow::diff::warehouse
