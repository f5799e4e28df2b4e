// Databricks: `quoted` identifiers, no transaction around DDL, MERGE, and
// CREATE OR REPLACE TABLE ... AS SELECT for an atomic swap.
#include "common/text.h"
#include "model/dialects/dialects.h"

namespace backflow::dialects {

namespace {

class Databricks final : public SqlDialect {
 public:
  Dialect id() const override { return Dialect::databricks; }
  std::string_view name() const override { return "databricks"; }
  IdentifierQuoting quoting() const override { return {'`', false}; }
  DialectCapabilities capabilities() const override {
    DialectCapabilities can;
    can.transactional_ddl = false;
    return can;
  }
  UpsertForm upsert_form() const override { return UpsertForm::merge; }
  TableSwap table_swap() const override { return TableSwap::replace_by_select; }

  // No TIME type: times are written as text.
  std::string column_type(const ColumnInfo& column, bool /*key_column*/) const override {
    switch (column.type) {
      case ValueType::Bool: return "BOOLEAN";
      case ValueType::Int: return "BIGINT";
      case ValueType::Decimal: return "DECIMAL" + decimal_precision(column);
      case ValueType::Double: return "DOUBLE";
      case ValueType::Date: return "DATE";
      case ValueType::Timestamp: return "TIMESTAMP_NTZ";
      case ValueType::TimestampTz: return "TIMESTAMP";
      case ValueType::Binary: return "BINARY";
      default: return "STRING";
    }
  }

  std::string value_hash(const std::string& c, const std::string& /*type_tag*/) const override {
    return "xxhash64(CASE WHEN " + c + " IS NULL THEN 'N' ELSE concat('V', typeof(" + c + "), ':', CAST(" + c +
           " AS STRING)) END)";
  }
  std::string value_hash_type() const override { return "bigint"; }
  // xxhash64 skips NULL arguments: the flags keep (NULL, x) and (x, NULL) apart.
  std::string row_hash(const std::vector<HashedValue>& values, const std::string& seed,
                       bool /*typed_row_hash*/) const override {
    std::vector<std::string> parts;
    for (const auto& value : values) {
      parts.push_back("isnull(" + value.expression + ")");
      parts.push_back(value.expression);
    }
    return "xxhash64(" + seed + ", " + text::join(parts, ", ") + ")";
  }
};

}  // namespace

const SqlDialect& databricks() {
  static const Databricks dialect;
  return dialect;
}

}  // namespace backflow::dialects
