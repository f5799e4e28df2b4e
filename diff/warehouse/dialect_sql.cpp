#include "diff/warehouse/dialect_sql.h"

#include <xxhash.h>

#include <cctype>
#include <cstdio>
#include <set>

#include "common/text.h"

namespace backflow::diff::warehouse {

namespace {

std::string slot_name(const char* prefix, const std::string& column) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(XXH3_64bits(column.data(), column.size()) & 0xffffffffu));
  return std::string(prefix) + buf;
}

// A driver-reported type name, reduced to what a column declaration may hold.
std::string declared_type(const std::vector<std::string>& names, std::size_t index) {
  std::string out;
  if (index >= names.size()) return out;
  for (char c : names[index]) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ' ' || c == '(' || c == ')' || c == ',') {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

DiffSql::DiffSql(DiffSqlInput input) : in_(std::move(input)) {
  for (const auto& name : in_.key_config_names) key_slots_.push_back(slot_name("k_", name));
  for (const auto& name : in_.mapped_config_names) {
    hash_slots_.push_back(slot_name("h_", name));
    value_slots_.push_back(slot_name("v_", name));
  }
}

std::string DiffSql::q(const std::string& identifier) const { return quote_identifier(in_.dialect, identifier); }

const SqlDialect& DiffSql::dialect() const { return sql_dialect(in_.dialect); }

bool DiffSql::has_full_outer_join() const { return dialect().capabilities().full_outer_join; }

bool DiffSql::commits_in_place() const { return dialect().capabilities().commits_in_place; }

// A NULL-distinguishing, typed hash of one model value (see docs/diff.md).
std::string DiffSql::hash_expression(std::size_t mapped_index, const std::string& c) const {
  std::string type = mapped_index < in_.mapped_type_names.size() ? in_.mapped_type_names[mapped_index] : "";
  for (std::size_t pos = 0; (pos = type.find('\'', pos)) != std::string::npos; pos += 2) type.insert(pos, "'");
  const std::string tag = "'V" + type + ":'";
  return dialect().value_hash(c, tag);
}

// Mixed into the row hash: mapped column names and types, so that a changed
// mapping or column type makes every row's prefilter fail once and the
// column hashes decide.
std::string DiffSql::row_hash_seed() const {
  std::string text = "bf_h";
  for (std::size_t i = 0; i < in_.mapped_config_names.size(); ++i) {
    text += '\n' + in_.mapped_config_names[i] + '\t' +
            (i < in_.mapped_type_names.size() ? in_.mapped_type_names[i] : std::string());
  }
  // 62 bits: a positive literal every dialect reads as a 64-bit integer.
  return std::to_string(XXH3_64bits(text.data(), text.size()) >> 2);
}

std::string DiffSql::row_hash_expression() const {
  if (!dialect().capabilities().hash_functions) return "";
  const std::string seed = row_hash_seed();
  if (in_.mapped_columns.empty()) return seed;
  std::vector<HashedValue> values;
  for (std::size_t i = 0; i < in_.mapped_columns.size(); ++i) {
    values.push_back({"m." + q(in_.mapped_columns[i]), i < in_.mapped_type_names.size() ? in_.mapped_type_names[i] : ""});
  }
  return dialect().row_hash(values, seed, in_.typed_row_hash);
}

std::string DiffSql::hash_type() const { return dialect().value_hash_type(); }

std::string DiffSql::row_hash_type() const { return dialect().row_hash_type(); }

std::string DiffSql::concat(const std::vector<std::string>& parts) const {
  if (parts.empty()) return "''";
  if (parts.size() == 1) return parts.front();
  return dialect().concat(parts);
}

std::string DiffSql::key_join(const char* left, const char* right) const {
  std::vector<std::string> terms;
  for (const auto& slot : key_slots_) {
    terms.push_back(std::string(left) + "." + q(slot) + " = " + right + "." + q(slot));
  }
  return text::join(terms, " AND ");
}

// The new hash of column `column` is computed from the diff's own value slot
// (n.v_...), only for the rows the prefilter lets through.
std::string DiffSql::differs(std::size_t column, const std::set<std::string>& committed_columns) const {
  const std::string& slot = hash_slots_[column];
  if (!committed_columns.count(slot)) return "1 = 1";
  return "(c." + q(slot) + " IS NULL OR c." + q(slot) + " <> " + hash_expression(column, "n." + q(value_slots_[column])) +
         ")";
}

std::string DiffSql::any_differs(const std::set<std::string>& committed_columns) const {
  if (hash_slots_.empty()) return "1 = 0";
  std::vector<std::string> terms;
  for (std::size_t i = 0; i < hash_slots_.size(); ++i) terms.push_back(differs(i, committed_columns));
  return "(" + text::join(terms, " OR ") + ")";
}

std::string DiffSql::change_mask(const std::set<std::string>& committed_columns) const {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < hash_slots_.size(); ++i) {
    parts.push_back("CASE WHEN " + differs(i, committed_columns) + " THEN '1' ELSE '0' END");
  }
  return concat(parts);
}

std::string DiffSql::all_ones() const { return "'" + std::string(hash_slots_.size(), '1') + "'"; }

std::string DiffSql::slot_list(const char* alias, bool with_hashes) const {
  std::vector<std::string> items;
  for (const auto& slot : key_slots_) items.push_back(std::string(alias) + "." + q(slot));
  if (with_hashes) {
    items.push_back(std::string(alias) + "." + q("bf_h"));
    for (const auto& slot : hash_slots_) items.push_back(std::string(alias) + "." + q(slot));
  }
  return text::join(items, ", ");
}

std::string DiffSql::create_table(bool transient) const {
  // The committed table and what becomes it must survive a warehouse crash.
  return transient ? dialect().create_transient_table() : "CREATE TABLE ";
}

// Where tables built by CREATE TABLE ... AS need their key index declared
// (MySQL): on the key slots, a primary key in tables that hold each valid
// key once. "" when the key types are unknown (a resumed run does not probe
// the model): those statements run unindexed.
std::string DiffSql::key_index(bool unique_keys) const {
  std::vector<std::string> columns;
  for (const auto& slot : key_slots_) columns.push_back(q(slot));
  return dialect().key_index("bf_key", columns, in_.key_type_names, unique_keys);
}

std::string DiffSql::create_schema() const {
  if (in_.tables.schema.empty()) return "";
  return "CREATE SCHEMA IF NOT EXISTS " + in_.tables.schema;
}

std::vector<std::string> DiffSql::drop_transient_tables() const {
  const auto& t = in_.tables;
  std::vector<std::string> drops;
  for (const auto* table :
       {&t.current, &t.diff, &t.changes, &t.next, &t.old, &t.old_diff, &t.excluded_keys, &t.retry_keys}) {
    drops.push_back("DROP TABLE IF EXISTS " + *table);
  }
  return drops;
}

std::vector<std::string> DiffSql::drop_commit_leftovers() const {
  const auto& t = in_.tables;
  std::vector<std::string> drops;
  for (const auto* table : {&t.next, &t.old, &t.old_diff, &t.excluded_keys}) {
    drops.push_back("DROP TABLE IF EXISTS " + *table);
  }
  return drops;
}

std::string DiffSql::probe_model() const { return "SELECT * FROM " + in_.model_from + " m WHERE 1 = 0"; }

std::string DiffSql::probe_committed() const { return "SELECT * FROM " + in_.tables.committed + " WHERE 1 = 0"; }

std::string DiffSql::probe_server_version() const {
  return dialect().server_version_query();
}

std::string DiffSql::probe_unique_key_index(const std::string& model_table) const {
  return dialect().unique_key_index_query(model_table, in_.key_columns);
}

std::vector<std::string> DiffSql::create_committed_if_missing() const {
  std::vector<std::string> items;
  for (std::size_t i = 0; i < key_slots_.size(); ++i) {
    items.push_back("m." + q(in_.key_columns[i]) + " AS " + q(key_slots_[i]));
  }
  items.push_back("CAST(NULL AS " + row_hash_type() + ") AS " + q("bf_h"));
  for (const auto& slot : hash_slots_) items.push_back("CAST(NULL AS " + hash_type() + ") AS " + q(slot));
  const std::string shape = " AS SELECT " + text::join(items, ", ") + " FROM " + in_.model_from + " m WHERE 1 = 0";
  const auto& t = in_.tables;
  if (!dialect().capabilities().create_table_if_not_exists_as) {
    // An empty shape table, then CREATE TABLE IF NOT EXISTS ... LIKE.
    return {"CREATE TABLE " + t.current + shape, "CREATE TABLE IF NOT EXISTS " + t.committed + " (LIKE " + t.current + ")",
            "DROP TABLE " + t.current};
  }
  return {"CREATE TABLE IF NOT EXISTS " + t.committed + (key_index(true).empty() ? shape : " " + key_index(true) + shape.substr(1))};
}

bool DiffSql::committed_layout_matches(const std::set<std::string>& committed_columns) const {
  std::set<std::string> expected(key_slots_.begin(), key_slots_.end());
  expected.insert("bf_h");
  expected.insert(hash_slots_.begin(), hash_slots_.end());
  return committed_columns == expected;
}

std::string DiffSql::create_key_table(const std::string& table) const {
  std::vector<std::string> items;
  for (std::size_t i = 0; i < key_slots_.size(); ++i) {
    items.push_back("m." + q(in_.key_columns[i]) + " AS " + q(key_slots_[i]));
  }
  return create_table(true) + table + " AS SELECT " + text::join(items, ", ") + " FROM " + in_.model_from + " m WHERE 1 = 0";
}

std::string DiffSql::create_excluded_keys() const {
  return create_table(true) + in_.tables.excluded_keys + " AS SELECT " + slot_list("d", false) + " FROM " +
         in_.tables.diff + " d WHERE 1 = 0";
}

std::string DiffSql::insert_key(const std::string& table) const {
  std::vector<std::string> columns, markers;
  for (const auto& slot : key_slots_) {
    columns.push_back(q(slot));
    markers.push_back("?");
  }
  return "INSERT INTO " + table + " (" + text::join(columns, ", ") + ") VALUES (" + text::join(markers, ", ") + ")";
}

std::string DiffSql::diff_session_setting() const { return dialect().large_query_setting(); }

// The model side of the diff: keys, values, row hash and occurrences of the
// key, read once.
std::string DiffSql::model_rows() const {
  std::vector<std::string> items, keys;
  for (std::size_t i = 0; i < key_slots_.size(); ++i) {
    items.push_back("m." + q(in_.key_columns[i]) + " AS " + q(key_slots_[i]));
    keys.push_back("m." + q(in_.key_columns[i]));
  }
  for (std::size_t i = 0; i < value_slots_.size(); ++i) {
    items.push_back("m." + q(in_.mapped_columns[i]) + " AS " + q(value_slots_[i]));
  }
  const std::string row_hash = row_hash_expression();
  items.push_back((row_hash.empty() ? "NULL" : row_hash) + " AS " + q("bf_h"));
  items.push_back((in_.model_keys_unique ? std::string("1") : "COUNT(*) OVER (PARTITION BY " + text::join(keys, ", ") + ")") +
                  " AS " + q("bf_n"));
  items.push_back("1 AS " + q("bf_row"));
  return "SELECT " + text::join(items, ", ") + " FROM " + in_.model_from + " m";
}

std::string DiffSql::diff_columns() const {
  std::vector<std::string> columns;
  for (const auto& slot : key_slots_) columns.push_back(q(slot));
  for (const char* name : {"bf_op", "bf_mask", "bf_n", "bf_com", "bf_h"}) columns.push_back(q(name));
  for (const auto& slot : hash_slots_) columns.push_back(q(slot));
  for (const auto& slot : value_slots_) columns.push_back(q(slot));
  return text::join(columns, ", ");
}

// One SELECT of the diff. `joined`: the model side n is joined with the
// committed table c (FULL OUTER JOIN, or LEFT JOIN where `removed` rows come
// from a second branch); otherwise (full resync) n stands alone.
std::string DiffSql::diff_select(const DiffMode& mode, bool joined, const std::set<std::string>& committed_columns) const {
  const auto& t = in_.tables;
  const bool full_join = joined && has_full_outer_join();
  const std::string first_key = q(key_slots_.front());
  std::vector<std::string> null_tests;
  for (const auto& slot : key_slots_) null_tests.push_back("n." + q(slot) + " IS NULL");
  const std::string removed = "n." + q("bf_row") + " IS NULL";
  const std::string null_key = "(" + text::join(null_tests, " OR ") + ")";
  const std::string duplicate = "n." + q("bf_n") + " > 1";
  const std::string added = "c." + first_key + " IS NULL";
  const std::string any = any_differs(committed_columns);
  // The row hash is a prefilter: equal row hashes mean unchanged; different
  // ones are confirmed per column (a dropped mapped column changes every row
  // hash but is no change).
  const std::string row_hash = row_hash_expression();
  const bool prefilter = !row_hash.empty() && committed_columns.count("bf_h");
  std::string changed = prefilter ? "((c." + q("bf_h") + " IS NULL OR c." + q("bf_h") + " <> n." + q("bf_h") +
                                        ") AND " + any + ")"
                                  : any;
  if (mode.with_retry_keys) {
    changed = "(" + changed + " OR EXISTS (SELECT 1 FROM " + t.retry_keys + " r WHERE " + key_join("r", "n") + "))";
  }

  std::vector<std::string> items;
  for (const auto& slot : key_slots_) {
    items.push_back(full_join ? "COALESCE(n." + q(slot) + ", c." + q(slot) + ") AS " + q(slot) : "n." + q(slot));
  }
  const std::string removed_case = full_join ? "WHEN " + removed + " THEN 'r' " : "";
  std::string op, mask;
  if (joined) {
    op = "CASE " + removed_case + "WHEN " + null_key + " THEN 'n' WHEN " + duplicate + " THEN 'd' WHEN " + added +
         " THEN 'a' WHEN " + changed + " THEN 'c' ELSE 'u' END";
    mask = "CASE " + std::string(full_join ? "WHEN " + removed + " THEN '' " : "") + "WHEN " + null_key + " OR " +
           duplicate + " THEN '' WHEN " + added + " THEN " + all_ones() + " WHEN " + any + " THEN " +
           change_mask(committed_columns) + " ELSE " + all_ones() + " END";
  } else {
    op = "CASE WHEN " + null_key + " THEN 'n' WHEN " + duplicate + " THEN 'd' ELSE 'a' END";
    mask = "CASE WHEN " + null_key + " OR " + duplicate + " THEN '' ELSE " + all_ones() + " END";
  }
  items.push_back(op + " AS " + q("bf_op"));
  items.push_back(mask + " AS " + q("bf_mask"));
  items.push_back("n." + q("bf_n"));
  items.push_back((joined ? "CASE WHEN " + added + " THEN 0 ELSE 1 END" : std::string("0")) + " AS " + q("bf_com"));
  items.push_back("n." + q("bf_h"));
  for (std::size_t i = 0; i < hash_slots_.size(); ++i) {
    items.push_back(hash_expression(i, "n." + q(value_slots_[i])) + " AS " + q(hash_slots_[i]));
  }
  for (const auto& slot : value_slots_) items.push_back("n." + q(slot));

  std::string sql = "SELECT " + text::join(items, ", ") + " FROM (" + model_rows() + ") n";
  if (!joined) return sql;
  sql += std::string(full_join ? " FULL OUTER JOIN " : " LEFT JOIN ") + t.committed + " c ON " + key_join("n", "c");
  if (!mode.full_build) {
    // Cheap tests first: most rows stop at the row hash.
    sql += " WHERE " + std::string(full_join ? removed + " OR " : "") + null_key + " OR " + duplicate + " OR " + added +
           " OR " + changed;
  }
  return sql;
}

std::vector<std::string> DiffSql::create_diff(const DiffMode& mode, const std::set<std::string>& committed_columns) const {
  const auto& t = in_.tables;
  const bool joined = !mode.full_resync;
  std::string select = diff_select(mode, joined, committed_columns);
  if (joined && !has_full_outer_join()) {
    // No FULL OUTER JOIN (SQLite before 3.39, MySQL): removed keys come from
    // an anti-join of the committed table with the model, written as a LEFT
    // JOIN: SQLite and MariaDB evaluate NOT EXISTS as a correlated scan of
    // an unindexed model (com x model rows), while for a join SQLite builds
    // an automatic index and MariaDB keys a derived table. A matched key is
    // never NULL, so "no match" is a NULL first key column.
    std::vector<std::string> items{slot_list("c", false), "'r'", "''", "NULL", "1", "NULL"};
    for (std::size_t i = 0; i < hash_slots_.size() + value_slots_.size(); ++i) items.push_back("NULL");
    std::vector<std::string> model_join;
    for (std::size_t i = 0; i < key_slots_.size(); ++i) {
      model_join.push_back("m." + q(in_.key_columns[i]) + " = c." + q(key_slots_[i]));
    }
    select += " UNION ALL SELECT " + text::join(items, ", ") + " FROM " + t.committed + " c LEFT JOIN " + in_.model_from +
              " m ON " + text::join(model_join, " AND ") + " WHERE m." + q(in_.key_columns.front()) + " IS NULL";
  }
  if (dialect().capabilities().create_table_as_keeps_types) {
    return {create_table(true) + t.diff + " " + key_index(false) + "AS " + select};
  }
  // CREATE TABLE ... AS declares columns by affinity only (SQLite: "NUM" for
  // a TIMESTAMP column), which would change the type the ODBC driver reports
  // when the values are read back; declare the model's types.
  const auto declared = [this](ValueType type) {
    ColumnInfo column;
    column.type = type;
    return dialect().column_type(column, false);
  };
  std::vector<std::string> declarations;
  for (std::size_t i = 0; i < key_slots_.size(); ++i) {
    declarations.push_back(q(key_slots_[i]) + " " + declared_type(in_.key_type_names, i));
  }
  declarations.push_back(q("bf_op") + " " + declared(ValueType::Text));
  declarations.push_back(q("bf_mask") + " " + declared(ValueType::Text));
  declarations.push_back(q("bf_n") + " " + declared(ValueType::Int));
  declarations.push_back(q("bf_com") + " " + declared(ValueType::Int));
  declarations.push_back(q("bf_h") + " " + declared(ValueType::Int));
  // Column "hashes" are the values' renderings without hash functions.
  for (const auto& slot : hash_slots_) declarations.push_back(q(slot) + " " + declared(ValueType::Text));
  for (std::size_t i = 0; i < value_slots_.size(); ++i) {
    declarations.push_back(q(value_slots_[i]) + " " + declared_type(in_.mapped_type_names, i));
  }
  // An index on the keys, built after the rows: the in-place commit's
  // EXISTS (SELECT 1 FROM dif d WHERE <key> = ...) is otherwise a scan of
  // the diff table for every committed row (SQLite plans it as a correlated
  // scalar subquery; 4 s at 100,000 x 1,000 rows, quadratic beyond).
  std::string index_name = t.diff;
  index_name.insert(index_name.size() - 1, "_key");
  std::vector<std::string> key_columns;
  for (const auto& slot : key_slots_) key_columns.push_back(q(slot));
  return {"CREATE TABLE " + t.diff + " (" + text::join(declarations, ", ") + ")",
          "INSERT INTO " + t.diff + " (" + diff_columns() + ") " + select,
          "CREATE INDEX " + index_name + " ON " + t.diff + " (" + text::join(key_columns, ", ") + ")"};
}

std::string DiffSql::count_run() const {
  const std::string op = q("bf_op");
  return "SELECT " + op + ", COUNT(*) FROM " + in_.tables.diff + " GROUP BY " + op + " UNION ALL SELECT 'D', COUNT(*) FROM (SELECT " +
         slot_list("d", false) + " FROM " + in_.tables.diff + " d WHERE d." + op + " = 'd' AND d." + q("bf_com") +
         " = 1 GROUP BY " + slot_list("d", false) + ") x UNION ALL SELECT 'K', COUNT(*) FROM " + in_.tables.committed;
}

std::string DiffSql::count_diff() const {
  const std::string op = q("bf_op");
  return "SELECT " + op + ", COUNT(*) FROM " + in_.tables.diff + " GROUP BY " + op;
}

std::string DiffSql::null_key_sample() const {
  std::vector<std::string> items;
  for (const auto& slot : key_slots_) items.push_back("d." + q(slot));
  for (const auto& slot : value_slots_) items.push_back("d." + q(slot));
  return "SELECT " + text::join(items, ", ") + " FROM " + in_.tables.diff + " d WHERE d." + q("bf_op") + " = 'n' LIMIT 100";
}

std::string DiffSql::duplicate_sample() const {
  std::vector<std::string> items{"d." + q("bf_n")};
  for (const auto& slot : key_slots_) items.push_back("d." + q(slot));
  for (const auto& slot : value_slots_) items.push_back("d." + q(slot));
  return "SELECT " + text::join(items, ", ") + " FROM " + in_.tables.diff + " d WHERE d." + q("bf_op") + " = 'd' LIMIT 100";
}

std::string DiffSql::key_order(const char* alias) const { return " ORDER BY " + slot_list(alias, false); }

std::string DiffSql::changed_rows() const {
  std::vector<std::string> items{"d." + q("bf_op"), "d." + q("bf_mask")};
  for (const auto& slot : key_slots_) items.push_back("d." + q(slot));
  for (const auto& slot : value_slots_) items.push_back("d." + q(slot));
  return "SELECT " + text::join(items, ", ") + " FROM " + in_.tables.diff + " d WHERE d." + q("bf_op") + " IN ('a', 'c')" +
         key_order("d");
}

std::string DiffSql::removed_keys() const {
  return "SELECT " + slot_list("d", false) + " FROM " + in_.tables.diff + " d WHERE d." + q("bf_op") + " = 'r'" +
         key_order("d");
}

std::string DiffSql::excluded(const char* alias) const {
  return "EXISTS (SELECT 1 FROM " + in_.tables.excluded_keys + " e WHERE " + key_join("e", alias) + ")";
}

std::vector<std::string> DiffSql::commit_in_place(bool with_excluded_keys) const {
  const auto& t = in_.tables;
  const DialectCapabilities can = dialect().capabilities();
  const std::string op = q("bf_op");
  // Where DDL commits implicitly, the DROP of the diff table commits too: a
  // crash can leave a committed snapshot whose diff table still exists, and
  // the resumed run commits it again, which is why added keys are deleted
  // first too (idempotent).
  const std::string replaced = can.transactional_ddl ? "('c', 'r')" : "('a', 'c', 'r')";
  std::string remove, removed_from;
  if (can.multi_table_delete) {
    // A join drives the delete from the (small) diff table into the
    // committed table's key index; MariaDB 10.11 runs a single-table
    // DELETE's EXISTS as a subquery per committed row.
    remove = "DELETE c FROM " + t.committed + " c JOIN " + t.diff + " d ON " + key_join("d", "c") + " WHERE d." + op +
             " IN " + replaced;
    removed_from = "c";
  } else {
    // No alias on the DELETE's table (Redshift has none): columns of the
    // committed table are qualified with its name.
    remove = "DELETE FROM " + t.committed + " WHERE EXISTS (SELECT 1 FROM " + t.diff + " d WHERE " +
             key_join("d", t.committed.c_str()) + " AND d." + op + " IN " + replaced + ")";
    removed_from = t.committed;
  }
  std::vector<std::string> columns;
  for (const auto& slot : key_slots_) columns.push_back(q(slot));
  columns.push_back(q("bf_h"));
  for (const auto& slot : hash_slots_) columns.push_back(q(slot));
  std::string insert = "INSERT INTO " + t.committed + " (" + text::join(columns, ", ") + ") SELECT " + slot_list("d", true) +
                       " FROM " + t.diff + " d WHERE d." + op + " IN ('a', 'c')";
  if (with_excluded_keys) {
    remove += " AND NOT " + excluded(removed_from.c_str());
    insert += " AND NOT " + excluded("d");
  }
  return {remove, insert, "DROP TABLE " + t.diff};
}

std::string DiffSql::create_next(bool full_resync, bool with_excluded_keys, bool keep_committed,
                                 const std::set<std::string>& committed_columns) const {
  const auto& t = in_.tables;
  std::string sql = "CREATE TABLE " + t.next + " " + key_index(true) + "AS SELECT " + slot_list("d", true) + " FROM " + t.diff + " d WHERE d." +
                    q("bf_op") + " IN ('a', 'c', 'u')";
  if (with_excluded_keys) sql += " AND NOT " + excluded("d");
  if (!keep_committed || (full_resync && !with_excluded_keys)) return sql;

  std::vector<std::string> keep;
  if (!full_resync) {
    keep.push_back("NOT EXISTS (SELECT 1 FROM " + t.diff + " d WHERE " + key_join("d", "c") + " AND d." + q("bf_op") +
                   " IN ('c', 'r', 'u'))");
  }
  if (with_excluded_keys) keep.push_back(excluded("c"));
  std::vector<std::string> items;
  for (const auto& slot : key_slots_) items.push_back("c." + q(slot));
  items.push_back(committed_columns.count("bf_h") ? "c." + q("bf_h")
                                                  : "CAST(NULL AS " + row_hash_type() + ") AS " + q("bf_h"));
  for (const auto& slot : hash_slots_) {
    items.push_back(committed_columns.count(slot) ? "c." + q(slot) : "CAST(NULL AS " + hash_type() + ") AS " + q(slot));
  }
  return sql + " UNION ALL SELECT " + text::join(items, ", ") + " FROM " + t.committed + " c WHERE " + text::join(keep, " OR ");
}

SwapPlan DiffSql::swap(const std::string& source) const {
  const auto& t = in_.tables;
  const std::string drop_diff = "DROP TABLE IF EXISTS " + t.diff;
  switch (dialect().table_swap()) {
    case TableSwap::rename_in_transaction:
      // Transactional DDL: the drops and the rename commit together.
      return {true,
              {"DROP TABLE IF EXISTS " + t.committed, "ALTER TABLE " + source + " RENAME TO " + t.committed_unqualified,
               drop_diff}};
    case TableSwap::swap_with:
      // No transaction spans DDL: the diff table goes first, so that a crash
      // in between leaves a run that delivered everything but did not commit
      // (its changes are sent again), never a committed run that resends.
      return {false,
              {drop_diff, "ALTER TABLE " + source + " SWAP WITH " + t.committed, "DROP TABLE IF EXISTS " + source}};
    case TableSwap::rename_pairs:
      // One RENAME TABLE renames all its pairs atomically, the diff table too.
      return {false,
              {"RENAME TABLE " + t.committed + " TO " + t.old + ", " + source + " TO " + t.committed + ", " + t.diff +
                   " TO " + t.old_diff,
               "DROP TABLE IF EXISTS " + t.old, "DROP TABLE IF EXISTS " + t.old_diff}};
    case TableSwap::replace_by_copy:
      // The diff table first, as for swap_with.
      return {false,
              {drop_diff, "CREATE OR REPLACE TABLE " + t.committed + " COPY " + source,
               "DROP TABLE IF EXISTS " + source}};
    case TableSwap::replace_by_select:
      return {false,
              {drop_diff, "CREATE OR REPLACE TABLE " + t.committed + " AS SELECT * FROM " + source,
               "DROP TABLE IF EXISTS " + source}};
  }
  return {};
}

}  // namespace backflow::diff::warehouse
