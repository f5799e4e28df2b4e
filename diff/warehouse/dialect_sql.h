// Generates every SQL statement of the warehouse diff engine for one sync and
// one dialect. Pure text generation (no connection), so the statements of
// warehouses the tests cannot run are checked as golden strings.
//
// Bookkeeping tables (see table_names.h): the committed table holds, per
// record, key slots k_<hash8 of the key column name> (typed like the model's
// key columns), bf_h (a hash of the whole mapped row, a prefilter) and hash
// slots h_<hash8 of the mapped column name>. The diff table is built by one
// pass over the model joined with the committed table and holds only what
// the run needs beyond the committed table: removed, added and changed
// records, invalid rows (NULL or duplicate keys), and in a full build every
// other valid row too ('u'). Its rows carry key slots, bf_op, bf_mask, bf_n
// (occurrences of the key), bf_com (1 when the key is committed), the new
// bf_h and hash slots, and value slots v_<hash8 of the mapped column name>:
// the mapped values, so that the change stream is a function of this table
// alone and can be resumed by another process. Slots are named after columns
// rather than positions so that a changed mapping is detected per column.
// Dialect-agnostic: what differs between warehouses (hash expressions, types,
// capabilities, the swap) comes from the dialect's SqlDialect
// (model/sql_dialect.h, model/dialects/<name>.cpp). docs/diff.md describes
// the hashes of each dialect, its join and its commit.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "model/sql_dialect.h"
#include "diff/warehouse/table_names.h"

namespace backflow::diff::warehouse {

struct DiffSqlInput {
  Dialect dialect = Dialect::postgres;
  SyncTables tables;
  // The model as a FROM item: a quoted table name or "(<query>)".
  std::string model_from;
  // The model's column names (as the model spells them) and the config names
  // they came from (which name the slots), in DiffSpec order.
  std::vector<std::string> key_columns, key_config_names;
  std::vector<std::string> mapped_columns, mapped_config_names;
  // The model's type name of each mapped column (ColumnInfo::type_name),
  // part of the hashed text where the dialect cannot name the type itself,
  // so that a type change changes the hash.
  std::vector<std::string> mapped_type_names;
  // The model's type name of each key column; SQLite declares the diff
  // table's columns with these (and mapped_type_names) so that values read
  // back from it have the model's types.
  std::vector<std::string> key_type_names;
  // True when the warehouse guarantees that non-NULL keys are unique (a
  // PostgreSQL table with a unique index on key columns): duplicates are then
  // not counted, which saves a sort or hash of the whole model.
  bool model_keys_unique = false;
  // PostgreSQL: the server has hash_record_extended (14 and newer); older
  // ones hash the row's text rendering instead.
  bool typed_row_hash = true;
};

// What the diff table must hold.
struct DiffMode {
  // Against an empty snapshot: every valid row is added, nothing removed.
  bool full_resync = false;
  // Every valid row of the model, unchanged ones as 'u', so that the next
  // committed table can be built from it alone (a full resync, or a committed
  // table whose columns differ from this run's: mapping or key changed).
  bool full_build = false;
  bool with_retry_keys = false;
};

// How the new committed table replaces the old one.
struct SwapPlan {
  bool transactional = false;  // run the statements in one transaction
  std::vector<std::string> statements;
};

class DiffSql {
 public:
  explicit DiffSql(DiffSqlInput input);

  const SyncTables& tables() const { return in_.tables; }
  const std::vector<std::string>& key_slots() const { return key_slots_; }
  const std::vector<std::string>& hash_slots() const { return hash_slots_; }
  const std::vector<std::string>& value_slots() const { return value_slots_; }

  // "" when the dialect has no schemas (SQLite).
  std::string create_schema() const;
  // Drops of every transient table (what an interrupted run may leave).
  std::vector<std::string> drop_transient_tables() const;
  // Drops of the tables commit() builds (what an interrupted commit may leave).
  std::vector<std::string> drop_commit_leftovers() const;
  // Zero-row queries whose result columns describe the model / committed table.
  std::string probe_model() const;
  std::string probe_committed() const;
  // PostgreSQL: a query returning server_version_num (sets typed_row_hash).
  // "" elsewhere.
  std::string probe_server_version() const;
  // PostgreSQL: a query returning a row when `model_table` (quoted) has a
  // valid, non-partial unique index on key columns only. "" elsewhere.
  std::string probe_unique_key_index(const std::string& model_table) const;

  // An empty committed table (key slots typed like the model's, bf_h, hash
  // slots), if none exists. One statement, or three on Redshift.
  std::vector<std::string> create_committed_if_missing() const;
  // True when the committed table has exactly this run's key slots, bf_h and
  // hash slots (`committed_columns` lower case): a diff of only the changes
  // suffices, and the commit may update the committed table in place.
  bool committed_layout_matches(const std::set<std::string>& committed_columns) const;
  // Table for retry keys, shaped like the model's key columns.
  std::string create_key_table(const std::string& table) const;
  // Table for excluded keys, shaped like the diff table's key slots (so that
  // a resumed run, which does not probe the model, can build it).
  std::string create_excluded_keys() const;
  std::string insert_key(const std::string& table) const;

  // PostgreSQL: a statement to run in the diff's transaction that raises
  // work_mem for it (never lowers it), so the hash join with the committed
  // table and the duplicate count stay in memory, and turns JIT off for it.
  // "" elsewhere.
  std::string diff_session_setting() const;
  // The statements building the diff table in one pass over the model (one,
  // or three where CREATE TABLE ... AS loses the types, SQLite: a CREATE with
  // the model's declared types, an INSERT, a key index). `committed_columns`: the committed table's columns (lower
  // case); a mapped column without a hash slot there counts as changed.
  std::vector<std::string> create_diff(const DiffMode& mode, const std::set<std::string>& committed_columns) const;

  // Rows (op, count): the diff table's rows per bf_op, then 'D': keys that
  // occur more than once in the model and are committed, then 'K': rows of
  // the committed table. rows_read = K - r - D + a + d + n, or a + d + n
  // after a full resync.
  std::string count_run() const;
  // Rows (op, count) of the diff table (resume checks them).
  std::string count_diff() const;
  // Rows: key slots then value slots of up to 100 NULL-key model rows.
  std::string null_key_sample() const;
  // Rows: occurrences, key slots, value slots of up to 100 rows of duplicate keys.
  std::string duplicate_sample() const;
  // Rows: op, mask, key slots, value slots of added and changed records, from
  // the diff table alone, ordered by key: the same rows in the same order
  // on every call, from any process, until the table is dropped.
  std::string changed_rows() const;
  // Rows: key slots of removed records, ordered by key.
  std::string removed_keys() const;

  // True for dialects that commit in place (DialectCapabilities: PostgreSQL,
  // Redshift, SQLite, MySQL): the commit deletes and inserts the changed
  // records in the committed table and drops the diff table in one
  // transaction (which the DROP commits early where DDL is not transactional).
  bool commits_in_place() const;
  // Those statements (run them in one transaction): except excluded keys,
  // removed and changed records leave the committed table, added and changed
  // ones enter it with their new hashes. Only for a diff that is not a full
  // build.
  std::vector<std::string> commit_in_place(bool with_excluded_keys) const;
  // The next committed table: the diff's valid rows (a, c, u) except excluded
  // keys, plus the committed rows that stay: those the diff does not
  // supersede (unchanged, duplicate keys) and excluded keys; after a full
  // resync only excluded keys. `keep_committed`: false when the committed
  // table has another key layout (full resync after a primary key change).
  std::string create_next(bool full_resync, bool with_excluded_keys, bool keep_committed,
                          const std::set<std::string>& committed_columns) const;
  // Replaces the committed table by `source` (the next table). The diff
  // table goes with the swap (same transaction or RENAME TABLE where the
  // dialect can, just before it otherwise): "the diff table exists" means
  // "not committed" to a resumed run.
  SwapPlan swap(const std::string& source) const;

 private:
  const SqlDialect& dialect() const;
  std::string q(const std::string& identifier) const;
  // Typed, NULL-distinguishing hash of one mapped value (`value`: an SQL
  // expression of the model's column type).
  std::string hash_expression(std::size_t mapped_index, const std::string& value) const;
  // Hash of the model row's mapped values (m.<column>), "" where the dialect
  // has none (SQLite): then every row's column hashes are compared.
  std::string row_hash_expression() const;
  std::string row_hash_seed() const;
  // "CREATE TABLE" or, for tables that need not survive a warehouse crash,
  // the dialect's cheaper unlogged variant.
  std::string create_table(bool transient) const;
  // The dialect's key index for CREATE TABLE ... AS (SqlDialect::key_index):
  // MySQL: "(PRIMARY KEY (<key slots>)) " (tables of unique keys, no prefix
  // needed) or "(INDEX bf_key (<key slots>)) "; "" elsewhere.
  std::string key_index(bool unique_keys) const;
  std::string hash_type() const;
  std::string row_hash_type() const;
  std::string concat(const std::vector<std::string>& parts) const;
  std::string key_join(const char* left, const char* right) const;
  std::string differs(std::size_t column, const std::set<std::string>& committed_columns) const;
  std::string any_differs(const std::set<std::string>& committed_columns) const;
  std::string change_mask(const std::set<std::string>& committed_columns) const;
  std::string all_ones() const;
  std::string slot_list(const char* alias, bool with_hashes) const;
  std::string key_order(const char* alias) const;
  std::string model_rows() const;
  std::string diff_columns() const;
  std::string diff_select(const DiffMode& mode, bool joined, const std::set<std::string>& committed_columns) const;
  std::string excluded(const char* alias) const;
  bool has_full_outer_join() const;

  DiffSqlInput in_;
  std::vector<std::string> key_slots_, hash_slots_, value_slots_;
};

}  // namespace backflow::diff::warehouse
