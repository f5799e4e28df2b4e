// PostgreSQL: "quoted" identifiers, transactional DDL, INSERT ... ON
// CONFLICT, UNLOGGED tables for what a crash may lose, and hash functions
// cheap enough to hash every model row (docs/diff.md).
#include <set>

#include "common/text.h"
#include "model/dialects/dialects.h"

namespace backflow::dialects {

namespace {

// The text between single quotes of an SQL string literal.
std::string literal_body(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out;
}

// Types whose built-in hash distinguishes exactly what their text rendering
// does; other types are hashed as text (numeric: 1.5 and 1.50 hash alike;
// float: -0 and 0; interval: '1 day' and '24 hours'; json: none).
bool hashes_as_is(std::string type) {
  type = text::lower(type);
  static const std::set<std::string> exact = {"int2", "int4", "int8", "smallint", "integer", "bigint", "text",
                                              "varchar", "character varying", "bool", "boolean", "date",
                                              "timestamp", "timestamp without time zone", "timestamptz",
                                              "timestamp with time zone", "uuid", "bytea"};
  return exact.count(type) > 0;
}

class Postgres final : public SqlDialect {
 public:
  Dialect id() const override { return Dialect::postgres; }
  std::string_view name() const override { return "postgres"; }
  std::vector<std::string_view> aliases() const override { return {"postgresql"}; }
  // psqlODBC (psqlodbcw.so, "PostgreSQL Unicode"), DBMS "PostgreSQL".
  std::vector<std::string_view> driver_name_parts() const override { return {"psql", "postgres"}; }
  IdentifierQuoting quoting() const override { return {'"', false}; }
  DialectCapabilities capabilities() const override {
    DialectCapabilities can;
    can.commits_in_place = true;
    return can;
  }
  UpsertForm upsert_form() const override { return UpsertForm::on_conflict; }
  TableSwap table_swap() const override { return TableSwap::rename_in_transaction; }

  std::string column_type(const ColumnInfo& column, bool /*key_column*/) const override {
    switch (column.type) {
      case ValueType::Bool: return "BOOLEAN";
      case ValueType::Int: return "BIGINT";
      case ValueType::Decimal: return "NUMERIC";
      case ValueType::Double: return "DOUBLE PRECISION";
      case ValueType::Date: return "DATE";
      case ValueType::Time: return "TIME";
      case ValueType::Timestamp: return "TIMESTAMP";
      case ValueType::TimestampTz: return "TIMESTAMPTZ";
      case ValueType::Binary: return "BYTEA";
      default: return "TEXT";
    }
  }

  // hashtext: the built-in 32-bit text hash, several times cheaper than md5
  // (see docs/diff.md about major upgrades).
  std::string value_hash(const std::string& c, const std::string& type_tag) const override {
    return "hashtext(CASE WHEN " + c + " IS NULL THEN 'N' ELSE " + type_tag + " || " + c + "::text END)";
  }
  std::string value_hash_type() const override { return "integer"; }

  // hash_record_extended (14+) hashes each value with its type's own hash
  // function, no text rendering: the cheapest per-row work the engine does
  // on the whole model. Before 14: the record's text rendering (quoted
  // fields: injective) through hashtextextended.
  std::string row_hash(const std::vector<HashedValue>& values, const std::string& seed,
                       bool typed_row_hash) const override {
    std::vector<std::string> parts;
    for (const auto& value : values) {
      parts.push_back(hashes_as_is(value.type_name) && typed_row_hash ? value.expression : value.expression + "::text");
    }
    if (!typed_row_hash) return "hashtextextended(ROW(" + text::join(parts, ", ") + ")::text, " + seed + ")";
    return "hash_record_extended(ROW(" + text::join(parts, ", ") + "), " + seed + ")";
  }
  std::string row_hash_type() const override { return "bigint"; }

  // No WAL for tables a warehouse crash may lose (the next run rebuilds them).
  std::string create_transient_table() const override { return "CREATE UNLOGGED TABLE "; }
  std::string consistent_read_statement() const override { return "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"; }
  std::vector<std::string> session_setup() const override { return {"SET TIME ZONE 'UTC'"}; }

  std::string server_version_query() const override { return "SELECT current_setting('server_version_num')"; }

  // A valid, non-partial unique index on a subset of the key columns makes
  // the whole key unique among rows whose key columns are all non-NULL (the
  // only valid rows).
  std::string unique_key_index_query(const std::string& quoted_table,
                                     const std::vector<std::string>& key_columns) const override {
    std::vector<std::string> names;
    for (const auto& k : key_columns) names.push_back("'" + literal_body(k) + "'");
    return "SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass('" + literal_body(quoted_table) +
           "') AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL AND NOT EXISTS "
           "(SELECT 1 FROM unnest(i.indkey::int2[]) AS k(attnum) WHERE k.attnum NOT IN (SELECT a.attnum FROM "
           "pg_attribute a WHERE a.attrelid = i.indrelid AND a.attname IN (" +
           text::join(names, ", ") + "))) LIMIT 1";
  }

  // Raises work_mem (never lowers it), so the hash join with the committed
  // table and the duplicate count stay in memory; JIT compilation costs more
  // than it saves on one pass (about 80 ms of code generation on 1M rows,
  // measured).
  std::string large_query_setting() const override {
    return "SELECT set_config('work_mem', CASE WHEN pg_size_bytes(current_setting('work_mem')) < 268435456 THEN "
           "'256MB' ELSE current_setting('work_mem') END, true), set_config('jit', 'off', true)";
  }
};

}  // namespace

const SqlDialect& postgres() {
  static const Postgres dialect;
  return dialect;
}

}  // namespace backflow::dialects
