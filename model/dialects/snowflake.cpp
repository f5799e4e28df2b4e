// Snowflake: "quoted" identifiers, DDL that commits implicitly, MERGE, and
// ALTER TABLE ... SWAP WITH for an atomic swap.
#include "common/text.h"
#include "model/dialects/dialects.h"

namespace backflow::dialects {

namespace {

class Snowflake final : public SqlDialect {
 public:
  Dialect id() const override { return Dialect::snowflake; }
  std::string_view name() const override { return "snowflake"; }
  IdentifierQuoting quoting() const override { return {'"', false}; }
  DialectCapabilities capabilities() const override {
    DialectCapabilities can;
    can.transactional_ddl = false;
    return can;
  }
  UpsertForm upsert_form() const override { return UpsertForm::merge; }
  TableSwap table_swap() const override { return TableSwap::swap_with; }

  std::string column_type(const ColumnInfo& column, bool /*key_column*/) const override {
    switch (column.type) {
      case ValueType::Bool: return "BOOLEAN";
      case ValueType::Int: return "NUMBER(38,0)";
      case ValueType::Decimal: return "NUMBER" + decimal_precision(column);
      case ValueType::Double: return "FLOAT";
      case ValueType::Date: return "DATE";
      case ValueType::Time: return "TIME";
      case ValueType::Timestamp: return "TIMESTAMP_NTZ";
      case ValueType::TimestampTz: return "TIMESTAMP_TZ";
      case ValueType::Binary: return "BINARY";
      default: return "VARCHAR";
    }
  }

  // HASH is typed and NULL-aware already.
  std::string value_hash(const std::string& c, const std::string& /*type_tag*/) const override {
    return "HASH(" + c + ")";
  }
  std::string value_hash_type() const override { return "number"; }
  std::string row_hash(const std::vector<HashedValue>& values, const std::string& seed,
                       bool /*typed_row_hash*/) const override {
    std::vector<std::string> parts;
    for (const auto& value : values) parts.push_back(value.expression);
    return "HASH(" + seed + ", " + text::join(parts, ", ") + ")";
  }
};

}  // namespace

const SqlDialect& snowflake() {
  static const Snowflake dialect;
  return dialect;
}

}  // namespace backflow::dialects
