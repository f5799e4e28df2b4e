// MySQL and MariaDB: `quoted` identifiers, DDL that commits implicitly, no
// FULL OUTER JOIN, INSERT ... ON DUPLICATE KEY UPDATE, one RENAME TABLE for
// an atomic swap, and tables built by CREATE TABLE ... AS that need their key
// index declared (docs/diff.md).
#include "common/text.h"
#include "model/dialects/dialects.h"

namespace backflow::dialects {

namespace {

// `a`.`b` -> {"a", "b"} (doubled backticks unescaped).
std::vector<std::string> unquote_parts(const std::string& quoted) {
  std::vector<std::string> parts(1);
  bool inside = false;
  for (std::size_t i = 0; i < quoted.size(); ++i) {
    const char c = quoted[i];
    if (c == '`') {
      if (inside && i + 1 < quoted.size() && quoted[i + 1] == '`') {
        parts.back() += '`';
        ++i;
      } else {
        inside = !inside;
      }
    } else if (c == '.' && !inside) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

// MySQL string literals treat the backslash as an escape character.
std::string string_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : c == '\\' ? std::string("\\\\") : std::string(1, c);
  return out + "'";
}

class Mysql final : public SqlDialect {
 public:
  Dialect id() const override { return Dialect::mysql; }
  std::string_view name() const override { return "mysql"; }
  // Connector/ODBC's file names (libmaodbc.so, libmyodbc8w.so) and names
  // ("MariaDB Unicode", "MySQL ODBC 8.0 Unicode Driver", DBMS "MariaDB").
  std::vector<std::string_view> driver_name_parts() const override {
    return {"maodbc", "myodbc", "mariadb", "mysql"};
  }
  std::string consistent_read_statement() const override { return "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"; }
  IdentifierQuoting quoting() const override { return {'`', false}; }
  DialectCapabilities capabilities() const override {
    DialectCapabilities can;
    can.full_outer_join = false;
    can.transactional_ddl = false;
    can.commits_in_place = true;
    can.multi_table_delete = true;
    return can;
  }
  UpsertForm upsert_form() const override { return UpsertForm::on_duplicate_key; }
  TableSwap table_swap() const override { return TableSwap::rename_pairs; }

  std::string column_type(const ColumnInfo& column, bool key_column) const override {
    switch (column.type) {
      case ValueType::Bool: return "BOOLEAN";
      case ValueType::Int: return "BIGINT";
      case ValueType::Decimal: return "DECIMAL" + decimal_precision(column);
      case ValueType::Double: return "DOUBLE";
      case ValueType::Date: return "DATE";
      case ValueType::Time: return "TIME(6)";
      case ValueType::Timestamp:
      case ValueType::TimestampTz: return "DATETIME(6)";
      case ValueType::Binary: return "LONGBLOB";
      // A primary key on TEXT needs a prefix length; VARCHAR does not.
      default: return key_column ? "VARCHAR(255)" : "TEXT";
    }
  }

  std::string value_hash(const std::string& c, const std::string& type_tag) const override {
    return "CONV(LEFT(MD5(CASE WHEN " + c + " IS NULL THEN 'N' ELSE CONCAT(" + type_tag + ", " + c +
           ") END), 16), 16, 10)";
  }
  std::string value_hash_type() const override { return "char(20)"; }

  // LENGTH (bytes), not CHAR_LENGTH: as injective, and a third cheaper on
  // MariaDB (2.2 s against 3.2 s for 1M rows x 9 columns, measured). The
  // change failed every row's prefilter once; the column hashes then decided,
  // so it sent nothing.
  std::string row_hash(const std::vector<HashedValue>& values, const std::string& seed,
                       bool /*typed_row_hash*/) const override {
    std::vector<std::string> parts;
    for (const auto& value : values) {
      const std::string& c = value.expression;
      parts.push_back("COALESCE(CONCAT('V', LENGTH(" + c + "), ':', " + c + "), 'N')");
    }
    return "CONV(LEFT(MD5(CONCAT('" + seed + "', " + text::join(parts, ", ") + ")), 16), 16, 10)";
  }

  std::string concat(const std::vector<std::string>& parts) const override {
    return "CONCAT(" + text::join(parts, ", ") + ")";
  }

  // Tables built by CREATE TABLE ... AS SELECT have no index, and MariaDB's
  // defaults (join_cache_level 2) allow no hash join, so joins with them
  // were nested loops: 171-222 s for a 20,000-row incremental diff, 0.2 s
  // with the index (docs/diff.md). TEXT and BLOB columns are indexed on a
  // 255-character prefix (MySQL needs a length there; a prefix index still
  // finds equal values, only less selectively).
  std::string key_index(const std::string& index_name, const std::vector<std::string>& quoted_columns,
                        const std::vector<std::string>& type_names, bool unique) const override {
    if (type_names.size() != quoted_columns.size()) return "";
    std::vector<std::string> parts;
    bool any_prefix = false;
    for (std::size_t i = 0; i < quoted_columns.size(); ++i) {
      const std::string type = text::lower(type_names[i]);
      const bool prefix = type.find("text") != std::string::npos || type.find("blob") != std::string::npos;
      any_prefix = any_prefix || prefix;
      parts.push_back(quoted_columns[i] + (prefix ? "(255)" : ""));
    }
    // A primary key is InnoDB's clustered index: one B-tree lookup per probe
    // instead of a secondary index plus the row. A prefix cannot be a primary
    // key (equal prefixes are not equal keys).
    if (unique && !any_prefix) return "(PRIMARY KEY (" + text::join(parts, ", ") + ")) ";
    return "(INDEX " + quote_identifier(Dialect::mysql, index_name) + " (" + text::join(parts, ", ") + ")) ";
  }

  // A unique index (no prefix parts) on key columns only.
  std::string unique_key_index_query(const std::string& quoted_table,
                                     const std::vector<std::string>& key_columns) const override {
    const std::vector<std::string> parts = unquote_parts(quoted_table);
    std::vector<std::string> names;
    for (const auto& k : key_columns) names.push_back(string_literal(k));
    return "SELECT 1 FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = " +
           (parts.size() > 1 ? string_literal(parts[parts.size() - 2]) : std::string("DATABASE()")) +
           " AND s.TABLE_NAME = " + string_literal(parts.back()) +
           " AND s.NON_UNIQUE = 0 GROUP BY s.INDEX_NAME HAVING SUM(s.COLUMN_NAME NOT IN (" + text::join(names, ", ") +
           ")) = 0 AND SUM(s.SUB_PART IS NOT NULL) = 0 LIMIT 1";
  }
};

}  // namespace

const SqlDialect& mysql() {
  static const Mysql dialect;
  return dialect;
}

}  // namespace backflow::dialects
