// Generates every SQL statement of the warehouse diff engine for one sync and
// one dialect. Pure text generation (no connection), so the statements of
// warehouses the tests cannot run are checked as golden strings.
//
// Bookkeeping tables (see table_names.h) hold, per record: key slots
// k_<hash8 of the key column name> (typed like the model's key columns),
// hash slots h_<hash8 of the mapped column name>, and in the current table
// bf_n (occurrences of the key in the model) and bf_null (1 when a key column
// is NULL). The diff table holds key slots, bf_op and bf_mask of every
// change; the changes table holds the same for added and changed records
// plus value slots v_<hash8 of the mapped column name>: their values, copied
// from the model when the diff is built, so that the change stream is a
// function of these two tables alone and can be resumed by another process.
// Slots are named after columns rather than positions so that a changed
// mapping is detected per column. docs/diff.md describes the hash of each
// dialect, its join strategy and its swap.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "diff/sql_dialect.h"
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

  std::string create_current() const;
  // An empty committed table shaped like the current one, if none exists.
  std::string create_committed_if_missing() const;
  // Table for retry keys, shaped like the model's key columns.
  std::string create_key_table(const std::string& table) const;
  // Table for excluded keys, shaped like the current table's key slots (so
  // that a resumed run, which does not probe the model, can build it).
  std::string create_excluded_keys() const;
  std::string insert_key(const std::string& table) const;

  // `committed_hash_slots`: hash slots the committed table has (lower case);
  // a mapped column without one counts as changed.
  std::string create_diff(bool full_resync, bool with_retry_keys,
                          const std::set<std::string>& committed_hash_slots) const;
  // The statements building the changes table (one, or two on SQLite: a
  // CREATE with the model's declared types, then an INSERT): the diff's
  // added and changed keys joined with the model for their values. A key
  // the model no longer has (changed since the current table was built) is
  // left out.
  std::vector<std::string> create_changes() const;

  // One row: rows in the model, rows with a NULL key, rows of duplicate keys.
  std::string count_current() const;
  // Rows (op, count) with op 'a' or 'c' (from the changes table) or 'r'
  // (from the diff table).
  std::string count_diff() const;
  // Rows: key columns then mapped columns of up to 100 NULL-key model rows.
  std::string null_key_sample() const;
  // Rows: occurrences, key columns, mapped columns of up to 100 rows of duplicate keys.
  std::string duplicate_sample() const;
  // Rows: op, mask, key slots, value slots of added and changed records, from
  // the changes table alone, ordered by key: the same rows in the same order
  // on every call, from any process, until the tables are dropped.
  std::string changed_rows() const;
  // Rows: key slots of removed records, ordered by key.
  std::string removed_keys() const;

  // The next committed table: the current snapshot's valid rows, except that
  // excluded keys (and, unless full_resync, duplicate keys) keep their
  // committed rows. `keep_committed`: false when the committed table has
  // another key layout (full resync after a primary key change).
  std::string create_next(bool full_resync, bool with_excluded_keys, bool keep_committed,
                          const std::set<std::string>& committed_hash_slots) const;
  // Replaces the committed table by `source`: the next table, or the current
  // table itself when the run had no invalid and no excluded keys (its extra
  // bf_n and bf_null columns are ignored by later runs). The diff table goes
  // with the swap (same transaction or RENAME TABLE where the dialect can,
  // just before it otherwise): "the diff table exists" means "not committed"
  // to a resumed run.
  SwapPlan swap(const std::string& source) const;

 private:
  std::string q(const std::string& identifier) const;
  std::string hash_expression(std::size_t mapped_index) const;
  // "CREATE TABLE" or, for tables that need not survive a warehouse crash,
  // the dialect's cheaper unlogged variant.
  std::string create_table(bool transient) const;
  std::string hash_type() const;
  std::string concat(const std::vector<std::string>& parts) const;
  std::string key_join(const char* left, const char* right) const;
  std::string model_key_join(const char* model, const char* other) const;
  std::string differs(std::size_t column, const std::set<std::string>& committed_hash_slots) const;
  std::string any_differs(const std::set<std::string>& committed_hash_slots) const;
  std::string change_mask(const std::set<std::string>& committed_hash_slots) const;
  std::string all_ones() const;
  std::string slot_list(const char* alias, bool with_hashes) const;
  std::string key_order(const char* alias) const;
  bool has_full_outer_join() const;

  DiffSqlInput in_;
  std::vector<std::string> key_slots_, hash_slots_, value_slots_;
};

}  // namespace backflow::diff::warehouse
