// SQLite: "quoted" identifiers, no schemas, transactional DDL, INSERT ... ON
// CONFLICT, no FULL OUTER JOIN before 3.39 and no hash function: values are
// compared as their quote() rendering.
#include "model/dialects/dialects.h"

namespace backflow::dialects {

namespace {

class Sqlite final : public SqlDialect {
 public:
  Dialect id() const override { return Dialect::sqlite; }
  std::string_view name() const override { return "sqlite"; }
  // sqliteodbc (libsqlite3odbc.so, "SQLite3").
  std::vector<std::string_view> driver_name_parts() const override { return {"sqlite"}; }
  // Every transaction reads one snapshot: consistent_read_statement() stays "".
  IdentifierQuoting quoting() const override { return {'"', false}; }
  DialectCapabilities capabilities() const override {
    DialectCapabilities can;
    can.schemas = false;
    can.full_outer_join = false;
    can.commits_in_place = true;
    can.create_table_as_keeps_types = false;
    can.hash_functions = false;
    can.embedded = true;
    return can;
  }
  UpsertForm upsert_form() const override { return UpsertForm::on_conflict; }
  TableSwap table_swap() const override { return TableSwap::rename_in_transaction; }

  std::string column_type(const ColumnInfo& column, bool /*key_column*/) const override {
    switch (column.type) {
      case ValueType::Bool:
      case ValueType::Int: return "INTEGER";
      case ValueType::Decimal: return "NUMERIC";
      case ValueType::Double: return "REAL";
      case ValueType::Binary: return "BLOB";
      default: return "TEXT";
    }
  }

  // quote() renders the value as an SQL literal, which is injective across
  // types (1, 1.0, '1', X'31', NULL) and is compared as is.
  std::string value_hash(const std::string& c, const std::string& /*type_tag*/) const override {
    return "quote(" + c + ")";
  }
  std::string value_hash_type() const override { return "text"; }
  // No row hash: every row's column renderings are compared.
  std::string row_hash(const std::vector<HashedValue>& /*values*/, const std::string& /*seed*/,
                       bool /*typed_row_hash*/) const override {
    return "";
  }
  std::string row_hash_type() const override { return "integer"; }
};

}  // namespace

const SqlDialect& sqlite() {
  static const Sqlite dialect;
  return dialect;
}

}  // namespace backflow::dialects
