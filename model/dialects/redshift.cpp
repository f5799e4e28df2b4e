// Redshift: "quoted" identifiers, transactional DDL, MERGE, no CREATE TABLE
// IF NOT EXISTS ... AS, and hashes cut from MD5 (60 bits: 15 hex digits fit
// STRTOL's BIGINT).
#include "common/text.h"
#include "model/dialects/dialects.h"

namespace backflow::dialects {

namespace {

class Redshift final : public SqlDialect {
 public:
  Dialect id() const override { return Dialect::redshift; }
  std::string_view name() const override { return "redshift"; }
  std::string consistent_read_statement() const override { return "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"; }
  IdentifierQuoting quoting() const override { return {'"', false}; }
  DialectCapabilities capabilities() const override {
    DialectCapabilities can;
    can.commits_in_place = true;
    can.create_table_if_not_exists_as = false;
    return can;
  }
  UpsertForm upsert_form() const override { return UpsertForm::merge; }
  TableSwap table_swap() const override { return TableSwap::rename_in_transaction; }

  std::string column_type(const ColumnInfo& column, bool key_column) const override {
    switch (column.type) {
      case ValueType::Bool: return "BOOLEAN";
      case ValueType::Int: return "BIGINT";
      case ValueType::Decimal: return "NUMERIC" + decimal_precision(column);
      case ValueType::Double: return "DOUBLE PRECISION";
      case ValueType::Date: return "DATE";
      case ValueType::Time: return "TIME";
      case ValueType::Timestamp: return "TIMESTAMP";
      case ValueType::TimestampTz: return "TIMESTAMPTZ";
      case ValueType::Binary: return "VARBYTE";
      default: return key_column ? "VARCHAR(1024)" : "VARCHAR(65535)";
    }
  }

  std::string value_hash(const std::string& c, const std::string& type_tag) const override {
    return "STRTOL(LEFT(MD5(CASE WHEN " + c + " IS NULL THEN 'N' ELSE " + type_tag + " || " + c +
           "::varchar END), 15), 16)";
  }
  std::string value_hash_type() const override { return "bigint"; }
  // Each value length-prefixed, so that the concatenation is injective.
  std::string row_hash(const std::vector<HashedValue>& values, const std::string& seed,
                       bool /*typed_row_hash*/) const override {
    std::vector<std::string> parts;
    for (const auto& value : values) {
      const std::string& c = value.expression;
      parts.push_back("CASE WHEN " + c + " IS NULL THEN 'N' ELSE 'V' || CAST(LEN(" + c + "::varchar) AS varchar) || ':' || " +
                      c + "::varchar END");
    }
    return "STRTOL(LEFT(MD5('" + seed + "' || " + text::join(parts, " || ") + "), 15), 16)";
  }
};

}  // namespace

const SqlDialect& redshift() {
  static const Redshift dialect;
  return dialect;
}

}  // namespace backflow::dialects
