// BigQuery: `quoted` identifiers with backslash escapes, no transaction
// around DDL, MERGE, and CREATE OR REPLACE TABLE ... COPY for an atomic swap.
#include "common/text.h"
#include "model/dialects/dialects.h"

namespace backflow::dialects {

namespace {

class Bigquery final : public SqlDialect {
 public:
  Dialect id() const override { return Dialect::bigquery; }
  std::string_view name() const override { return "bigquery"; }
  IdentifierQuoting quoting() const override { return {'`', true}; }
  DialectCapabilities capabilities() const override {
    DialectCapabilities can;
    can.transactional_ddl = false;
    return can;
  }
  UpsertForm upsert_form() const override { return UpsertForm::merge; }
  TableSwap table_swap() const override { return TableSwap::replace_by_copy; }

  std::string column_type(const ColumnInfo& column, bool /*key_column*/) const override {
    switch (column.type) {
      case ValueType::Bool: return "BOOL";
      case ValueType::Int: return "INT64";
      case ValueType::Decimal: return "BIGNUMERIC";
      case ValueType::Double: return "FLOAT64";
      case ValueType::Date: return "DATE";
      case ValueType::Time: return "TIME";
      case ValueType::Timestamp: return "DATETIME";
      case ValueType::TimestampTz: return "TIMESTAMP";
      case ValueType::Binary: return "BYTES";
      default: return "STRING";
    }
  }

  // JSON text distinguishes 1, "1" and null.
  std::string value_hash(const std::string& c, const std::string& /*type_tag*/) const override {
    return "FARM_FINGERPRINT(TO_JSON_STRING(" + c + "))";
  }
  std::string value_hash_type() const override { return "INT64"; }
  std::string row_hash(const std::vector<HashedValue>& values, const std::string& seed,
                       bool /*typed_row_hash*/) const override {
    std::vector<std::string> parts;
    for (const auto& value : values) parts.push_back(value.expression);
    return "FARM_FINGERPRINT(CONCAT('" + seed + "', TO_JSON_STRING(STRUCT(" + text::join(parts, ", ") + "))))";
  }
};

}  // namespace

const SqlDialect& bigquery() {
  static const Bigquery dialect;
  return dialect;
}

}  // namespace backflow::dialects
