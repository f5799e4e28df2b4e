#include "diff/warehouse/dialect_sql.h"

#include <xxhash.h>

#include <cctype>
#include <cstdio>

namespace backflow::diff::warehouse {

namespace {

std::string slot_name(const char* prefix, const std::string& column) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(XXH3_64bits(column.data(), column.size()) & 0xffffffffu));
  return std::string(prefix) + buf;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
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

bool DiffSql::has_full_outer_join() const {
  return in_.dialect != Dialect::sqlite && in_.dialect != Dialect::mysql;
}

// A NULL-distinguishing, typed hash of one model value (see docs/diff.md).
std::string DiffSql::hash_expression(std::size_t mapped_index) const {
  const std::string c = "m." + q(in_.mapped_columns[mapped_index]);
  std::string type = mapped_index < in_.mapped_type_names.size() ? in_.mapped_type_names[mapped_index] : "";
  for (std::size_t pos = 0; (pos = type.find('\'', pos)) != std::string::npos; pos += 2) type.insert(pos, "'");
  const std::string tag = "'V" + type + ":'";
  switch (in_.dialect) {
    case Dialect::postgres:
      // hashtext: PostgreSQL's built-in 32-bit text hash, several times
      // cheaper than md5 (see docs/diff.md about major upgrades).
      return "hashtext(CASE WHEN " + c + " IS NULL THEN 'N' ELSE " + tag + " || " + c + "::text END)";
    case Dialect::sqlite:
      // No hash function: quote() renders the value as an SQL literal, which
      // is injective across types (1, 1.0, '1', X'31', NULL) and is compared
      // as is.
      return "quote(" + c + ")";
    case Dialect::snowflake:
      return "HASH(" + c + ")";
    case Dialect::bigquery:
      return "FARM_FINGERPRINT(TO_JSON_STRING(" + c + "))";
    case Dialect::redshift:
      return "STRTOL(LEFT(MD5(CASE WHEN " + c + " IS NULL THEN 'N' ELSE " + tag + " || " + c +
             "::varchar END), 15), 16)";
    case Dialect::databricks:
      return "xxhash64(CASE WHEN " + c + " IS NULL THEN 'N' ELSE concat('V', typeof(" + c + "), ':', CAST(" + c +
             " AS STRING)) END)";
    case Dialect::mysql:
      return "CONV(LEFT(MD5(CASE WHEN " + c + " IS NULL THEN 'N' ELSE CONCAT(" + tag + ", " + c +
             ") END), 16), 16, 10)";
  }
  return "";
}

std::string DiffSql::hash_type() const {
  switch (in_.dialect) {
    case Dialect::postgres: return "integer";
    case Dialect::sqlite: return "text";
    case Dialect::snowflake: return "number";
    case Dialect::bigquery: return "INT64";
    case Dialect::redshift: return "bigint";
    case Dialect::databricks: return "bigint";
    case Dialect::mysql: return "char(20)";
  }
  return "";
}

std::string DiffSql::concat(const std::vector<std::string>& parts) const {
  if (parts.empty()) return "''";
  if (parts.size() == 1) return parts.front();
  if (in_.dialect == Dialect::mysql) return "CONCAT(" + join(parts, ", ") + ")";
  return join(parts, " || ");
}

std::string DiffSql::key_join(const char* left, const char* right) const {
  std::vector<std::string> terms;
  for (const auto& slot : key_slots_) {
    terms.push_back(std::string(left) + "." + q(slot) + " = " + right + "." + q(slot));
  }
  return join(terms, " AND ");
}

std::string DiffSql::model_key_join(const char* model, const char* other) const {
  std::vector<std::string> terms;
  for (std::size_t i = 0; i < key_slots_.size(); ++i) {
    terms.push_back(std::string(model) + "." + q(in_.key_columns[i]) + " = " + other + "." + q(key_slots_[i]));
  }
  return join(terms, " AND ");
}

std::string DiffSql::differs(std::size_t column, const std::set<std::string>& committed_hash_slots) const {
  const std::string& slot = hash_slots_[column];
  if (!committed_hash_slots.count(slot)) return "1 = 1";
  return "(c." + q(slot) + " IS NULL OR c." + q(slot) + " <> n." + q(slot) + ")";
}

std::string DiffSql::any_differs(const std::set<std::string>& committed_hash_slots) const {
  if (hash_slots_.empty()) return "1 = 0";
  std::vector<std::string> terms;
  for (std::size_t i = 0; i < hash_slots_.size(); ++i) terms.push_back(differs(i, committed_hash_slots));
  return "(" + join(terms, " OR ") + ")";
}

std::string DiffSql::change_mask(const std::set<std::string>& committed_hash_slots) const {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < hash_slots_.size(); ++i) {
    parts.push_back("CASE WHEN " + differs(i, committed_hash_slots) + " THEN '1' ELSE '0' END");
  }
  return concat(parts);
}

std::string DiffSql::all_ones() const { return "'" + std::string(hash_slots_.size(), '1') + "'"; }

std::string DiffSql::slot_list(const char* alias, bool with_hashes) const {
  std::vector<std::string> items;
  for (const auto& slot : key_slots_) items.push_back(std::string(alias) + "." + q(slot));
  if (with_hashes) {
    for (const auto& slot : hash_slots_) items.push_back(std::string(alias) + "." + q(slot));
  }
  return join(items, ", ");
}

std::string DiffSql::create_table(bool transient) const {
  // PostgreSQL: no WAL for tables a warehouse crash may lose (the next run
  // rebuilds them); the committed table and what becomes it stay logged.
  if (transient && in_.dialect == Dialect::postgres) return "CREATE UNLOGGED TABLE ";
  return "CREATE TABLE ";
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

std::string DiffSql::create_current() const {
  std::vector<std::string> items, keys, null_tests;
  for (std::size_t i = 0; i < key_slots_.size(); ++i) {
    items.push_back("m." + q(in_.key_columns[i]) + " AS " + q(key_slots_[i]));
    keys.push_back("m." + q(in_.key_columns[i]));
    null_tests.push_back("m." + q(in_.key_columns[i]) + " IS NULL");
  }
  for (std::size_t i = 0; i < hash_slots_.size(); ++i) {
    items.push_back(hash_expression(i) + " AS " + q(hash_slots_[i]));
  }
  items.push_back("COUNT(*) OVER (PARTITION BY " + join(keys, ", ") + ") AS " + q("bf_n"));
  items.push_back("CASE WHEN " + join(null_tests, " OR ") + " THEN 1 ELSE 0 END AS " + q("bf_null"));
  return "CREATE TABLE " + in_.tables.current + " AS SELECT " + join(items, ", ") + " FROM " + in_.model_from + " m";
}

std::string DiffSql::create_committed_if_missing() const {
  if (in_.dialect == Dialect::redshift) {
    // Redshift has no CREATE TABLE IF NOT EXISTS ... AS; LIKE also copies
    // bf_n and bf_null, which the diff ignores and the first commit drops.
    return "CREATE TABLE IF NOT EXISTS " + in_.tables.committed + " (LIKE " + in_.tables.current + ")";
  }
  return "CREATE TABLE IF NOT EXISTS " + in_.tables.committed + " AS SELECT " + slot_list("n", true) + " FROM " +
         in_.tables.current + " n WHERE 1 = 0";
}

std::string DiffSql::create_key_table(const std::string& table) const {
  std::vector<std::string> items;
  for (std::size_t i = 0; i < key_slots_.size(); ++i) {
    items.push_back("m." + q(in_.key_columns[i]) + " AS " + q(key_slots_[i]));
  }
  return create_table(true) + table + " AS SELECT " + join(items, ", ") + " FROM " + in_.model_from + " m WHERE 1 = 0";
}

std::string DiffSql::create_excluded_keys() const {
  return create_table(true) + in_.tables.excluded_keys + " AS SELECT " + slot_list("n", false) + " FROM " +
         in_.tables.current + " n WHERE 1 = 0";
}

std::string DiffSql::insert_key(const std::string& table) const {
  std::vector<std::string> columns, markers;
  for (const auto& slot : key_slots_) {
    columns.push_back(q(slot));
    markers.push_back("?");
  }
  return "INSERT INTO " + table + " (" + join(columns, ", ") + ") VALUES (" + join(markers, ", ") + ")";
}

std::string DiffSql::create_diff(bool full_resync, bool with_retry_keys,
                                 const std::set<std::string>& committed_hash_slots) const {
  const auto& t = in_.tables;
  const std::string first_key = q(key_slots_.front());
  const std::string op = q("bf_op"), mask = q("bf_mask");
  if (full_resync) {
    return create_table(true) + t.diff + " AS SELECT " + slot_list("n", false) + ", 'a' AS " + op + ", " + all_ones() +
           " AS " + mask + " FROM " + t.current + " n WHERE n." + q("bf_null") + " = 0 AND n." + q("bf_n") + " = 1";
  }
  const std::string any = any_differs(committed_hash_slots);
  std::string wanted = "c." + first_key + " IS NULL OR " + any;
  if (with_retry_keys) wanted += " OR EXISTS (SELECT 1 FROM " + t.retry_keys + " r WHERE " + key_join("r", "n") + ")";
  const std::string mask_value = "CASE WHEN c." + first_key + " IS NULL THEN " + all_ones() + " WHEN " + any +
                                 " THEN " + change_mask(committed_hash_slots) + " ELSE " + all_ones() + " END";

  if (has_full_outer_join()) {
    std::vector<std::string> keys;
    for (const auto& slot : key_slots_) keys.push_back("COALESCE(n." + q(slot) + ", c." + q(slot) + ") AS " + q(slot));
    return create_table(true) + t.diff + " AS SELECT " + join(keys, ", ") + ", CASE WHEN c." + first_key +
           " IS NULL THEN 'a' WHEN n." + first_key + " IS NULL THEN 'r' ELSE 'c' END AS " + op + ", CASE WHEN n." +
           first_key + " IS NULL THEN '' ELSE " + mask_value + " END AS " + mask + " FROM (SELECT * FROM " +
           t.current + " WHERE " + q("bf_null") + " = 0) n FULL OUTER JOIN " + t.committed + " c ON " +
           key_join("n", "c") + " WHERE n." + first_key + " IS NULL OR (n." + q("bf_n") + " = 1 AND (" + wanted +
           "))";
  }
  // No FULL OUTER JOIN (SQLite before 3.39, MySQL): LEFT JOIN for added and
  // changed, anti-join for removed.
  return create_table(true) + t.diff + " AS SELECT " + slot_list("n", false) + ", CASE WHEN c." + first_key +
         " IS NULL THEN 'a' ELSE 'c' END AS " + op + ", " + mask_value + " AS " + mask + " FROM " + t.current +
         " n LEFT JOIN " + t.committed + " c ON " + key_join("n", "c") + " WHERE n." + q("bf_null") + " = 0 AND n." +
         q("bf_n") + " = 1 AND (" + wanted + ") UNION ALL SELECT " + slot_list("c", false) + ", 'r', '' FROM " +
         t.committed + " c WHERE NOT EXISTS (SELECT 1 FROM " + t.current + " n WHERE " + key_join("n", "c") + ")";
}

std::vector<std::string> DiffSql::create_changes() const {
  const auto& t = in_.tables;
  const std::string op = q("bf_op"), mask = q("bf_mask");
  std::vector<std::string> columns, items;
  for (const auto& slot : key_slots_) {
    columns.push_back(q(slot));
    items.push_back("d." + q(slot));
  }
  columns.push_back(op);
  columns.push_back(mask);
  items.push_back("d." + op);
  items.push_back("d." + mask);
  for (std::size_t i = 0; i < value_slots_.size(); ++i) {
    columns.push_back(q(value_slots_[i]));
    items.push_back("m." + q(in_.mapped_columns[i]) + " AS " + q(value_slots_[i]));
  }
  // A separate statement over the finished diff table, so the planner knows
  // how few rows it joins (an index lookup per change on a keyed model).
  const std::string select = "SELECT " + join(items, ", ") + " FROM " + t.diff + " d JOIN " + in_.model_from +
                             " m ON " + model_key_join("m", "d") + " WHERE d." + op + " <> 'r'";
  if (in_.dialect != Dialect::sqlite) return {create_table(true) + t.changes + " AS " + select};
  // SQLite's CREATE TABLE ... AS declares columns by affinity only ("NUM"
  // for a TIMESTAMP column), which would change the type the ODBC driver
  // reports when the values are read back; declare the model's types.
  std::vector<std::string> declarations;
  for (std::size_t i = 0; i < key_slots_.size(); ++i) {
    declarations.push_back(q(key_slots_[i]) + " " + declared_type(in_.key_type_names, i));
  }
  declarations.push_back(op + " TEXT");
  declarations.push_back(mask + " TEXT");
  for (std::size_t i = 0; i < value_slots_.size(); ++i) {
    declarations.push_back(q(value_slots_[i]) + " " + declared_type(in_.mapped_type_names, i));
  }
  return {"CREATE TABLE " + t.changes + " (" + join(declarations, ", ") + ")",
          "INSERT INTO " + t.changes + " (" + join(columns, ", ") + ") " + select};
}

std::string DiffSql::count_current() const {
  const std::string n = q("bf_n"), null = q("bf_null");
  return "SELECT COUNT(*), COALESCE(SUM(" + null + "), 0), COALESCE(SUM(CASE WHEN " + null + " = 0 AND " + n +
         " > 1 THEN 1 ELSE 0 END), 0) FROM " + in_.tables.current;
}

std::string DiffSql::count_diff() const {
  const std::string op = q("bf_op");
  return "SELECT " + op + ", COUNT(*) FROM " + in_.tables.changes + " GROUP BY " + op + " UNION ALL SELECT " + op +
         ", COUNT(*) FROM " + in_.tables.diff + " WHERE " + op + " = 'r' GROUP BY " + op;
}

std::string DiffSql::null_key_sample() const {
  std::vector<std::string> items, null_tests;
  for (const auto& k : in_.key_columns) {
    items.push_back("m." + q(k));
    null_tests.push_back("m." + q(k) + " IS NULL");
  }
  for (const auto& c : in_.mapped_columns) items.push_back("m." + q(c));
  return "SELECT " + join(items, ", ") + " FROM " + in_.model_from + " m WHERE " + join(null_tests, " OR ") +
         " LIMIT 100";
}

std::string DiffSql::duplicate_sample() const {
  std::vector<std::string> items{"d." + q("bf_n")};
  for (const auto& k : in_.key_columns) items.push_back("m." + q(k));
  for (const auto& c : in_.mapped_columns) items.push_back("m." + q(c));
  return "SELECT " + join(items, ", ") + " FROM " + in_.model_from + " m JOIN (SELECT DISTINCT " +
         slot_list("n", false) + ", n." + q("bf_n") + " FROM " + in_.tables.current + " n WHERE n." + q("bf_null") +
         " = 0 AND n." + q("bf_n") + " > 1) d ON " + model_key_join("m", "d") + " LIMIT 100";
}

std::string DiffSql::key_order(const char* alias) const { return " ORDER BY " + slot_list(alias, false); }

std::string DiffSql::changed_rows() const {
  std::vector<std::string> items{"d." + q("bf_op"), "d." + q("bf_mask")};
  for (const auto& slot : key_slots_) items.push_back("d." + q(slot));
  for (const auto& slot : value_slots_) items.push_back("d." + q(slot));
  return "SELECT " + join(items, ", ") + " FROM " + in_.tables.changes + " d" + key_order("d");
}

std::string DiffSql::removed_keys() const {
  return "SELECT " + slot_list("d", false) + " FROM " + in_.tables.diff + " d WHERE d." + q("bf_op") + " = 'r'" +
         key_order("d");
}

std::string DiffSql::create_next(bool full_resync, bool with_excluded_keys, bool keep_committed,
                                 const std::set<std::string>& committed_hash_slots) const {
  const auto& t = in_.tables;
  auto excluded = [&](const char* alias) {
    return "EXISTS (SELECT 1 FROM " + t.excluded_keys + " e WHERE " + key_join("e", alias) + ")";
  };
  std::string sql = "CREATE TABLE " + t.next + " AS SELECT " + slot_list("n", true) + " FROM " + t.current +
                    " n WHERE n." + q("bf_null") + " = 0 AND n." + q("bf_n") + " = 1";
  if (with_excluded_keys) sql += " AND NOT " + excluded("n");

  std::vector<std::string> keep;
  if (!full_resync) {
    keep.push_back("EXISTS (SELECT 1 FROM " + t.current + " n WHERE " + key_join("n", "c") + " AND n." +
                   q("bf_null") + " = 0 AND n." + q("bf_n") + " > 1)");
  }
  if (with_excluded_keys) keep.push_back(excluded("c"));
  if (keep.empty() || !keep_committed) return sql;

  std::vector<std::string> items;
  for (const auto& slot : key_slots_) items.push_back("c." + q(slot));
  for (const auto& slot : hash_slots_) {
    items.push_back(committed_hash_slots.count(slot) ? "c." + q(slot)
                                                     : "CAST(NULL AS " + hash_type() + ") AS " + q(slot));
  }
  return sql + " UNION ALL SELECT " + join(items, ", ") + " FROM " + t.committed + " c WHERE " + join(keep, " OR ");
}

SwapPlan DiffSql::swap(const std::string& source) const {
  const auto& t = in_.tables;
  const std::string drop_diff = "DROP TABLE IF EXISTS " + t.diff;
  switch (in_.dialect) {
    case Dialect::postgres:
    case Dialect::redshift:
    case Dialect::sqlite:
      // Transactional DDL: the drops and the rename commit together.
      return {true,
              {"DROP TABLE IF EXISTS " + t.committed, "ALTER TABLE " + source + " RENAME TO " + t.committed_unqualified,
               drop_diff}};
    case Dialect::snowflake:
      // No transaction spans DDL: the diff table goes first, so that a crash
      // in between leaves a run that delivered everything but did not commit
      // (its changes are sent again), never a committed run that resends.
      return {false,
              {drop_diff, "ALTER TABLE " + source + " SWAP WITH " + t.committed, "DROP TABLE IF EXISTS " + source}};
    case Dialect::mysql:
      // One RENAME TABLE renames all its pairs atomically.
      return {false,
              {"RENAME TABLE " + t.committed + " TO " + t.old + ", " + source + " TO " + t.committed + ", " + t.diff +
                   " TO " + t.old_diff,
               "DROP TABLE IF EXISTS " + t.old, "DROP TABLE IF EXISTS " + t.old_diff}};
    case Dialect::bigquery:
      return {false,
              {drop_diff, "CREATE OR REPLACE TABLE " + t.committed + " COPY " + source,
               "DROP TABLE IF EXISTS " + source}};
    case Dialect::databricks:
      return {false,
              {drop_diff, "CREATE OR REPLACE TABLE " + t.committed + " AS SELECT * FROM " + source,
               "DROP TABLE IF EXISTS " + source}};
  }
  return {};
}

}  // namespace backflow::diff::warehouse
