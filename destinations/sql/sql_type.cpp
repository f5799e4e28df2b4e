// `type: sql` (docs/destinations/sql.md): rows of a table in any database
// an ODBC driver reaches, written by key in transactions (SqlDestination).
#include "destinations/destination_type.h"
#include <regex>

#include "common/text.h"
#include "destinations/account_options.h"
#include "destinations/sql/sql_destination.h"
#include "odbc/connection.h"
#include "odbc/connection_string.h"

namespace backflow::destinations {
namespace {

const ColumnInfo* find_column(const std::vector<ColumnInfo>& columns, std::string_view name) {
  for (const ColumnInfo& column : columns) {
    if (text::iequals(column.name, name)) return &column;
  }
  return nullptr;
}

// The type a mapped field's values have: a plain column keeps the model
// column's type; a transform or a template makes what it makes.
ColumnInfo mapped_column(const mappers::FieldMappingSpec& entry, const std::vector<ColumnInfo>& model) {
  ColumnInfo info;
  info.name = entry.field.substr(0, entry.field.find('.'));
  info.type = ValueType::Text;
  if (entry.kind == mappers::ExpressionKind::Constant) {
    if (entry.constant.is_boolean()) info.type = ValueType::Bool;
    else if (entry.constant.is_number_integer()) info.type = ValueType::Int;
    else if (entry.constant.is_number()) info.type = ValueType::Double;
  }
  if (entry.kind == mappers::ExpressionKind::Column && entry.transforms.empty() &&
      entry.field.find('.') == std::string::npos) {
    if (const ColumnInfo* column = find_column(model, entry.column)) {
      info = *column;
      info.name = entry.field;
    }
  }
  if (!entry.transforms.empty()) {
    const std::string& last = entry.transforms.back().name;
    if (last == "to_number") info.type = ValueType::Decimal;
    if (last == "to_bool") info.type = ValueType::Bool;
  }
  return info;
}

// The table's columns for create_table: the primary key, then each mapped field.
std::vector<ColumnInfo> table_columns(const TargetContext& context) {
  std::vector<ColumnInfo> columns;
  for (const std::string& key : context.primary_key) {
    ColumnInfo info;
    if (const ColumnInfo* column = find_column(context.model_columns, key)) info = *column;
    info.name = key;
    info.nullable = false;
    columns.push_back(std::move(info));
  }
  for (const mappers::FieldMappingSpec& entry : context.mapping) {
    ColumnInfo info = mapped_column(entry, context.model_columns);
    if (find_column(columns, info.name) == nullptr) columns.push_back(std::move(info));
  }
  return columns;
}

class SqlTarget final : public DeliveryTarget {
 public:
  explicit SqlTarget(const TargetContext& context) {
    require_mode(context, SqlDestination::supported_modes());
    SqlDestinationOptions options;
    options.name = context.account.name;
    options.connection_string = text_option(context.account.options, "connection");
    if (std::string dialect = text_option(context.account.options, "dialect"); !dialect.empty()) {
      options.dialect = parse_dialect(dialect);
    }
    options.table = text_option(context.sync.options, "table");
    options.key_columns = context.primary_key;
    options.columns = table_columns(context);
    if (auto create = bool_option(context.account.options, "create_table")) options.create_table = *create;
    if (std::uint64_t batch = number_option(context.account.options, "batch_size"); batch > 0) {
      options.batch_size = static_cast<std::size_t>(batch);
    }
    destination_.emplace(std::move(options));
  }

  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks) override {
    return destination_->deliver(run, feed, callbacks);
  }

 private:
  std::optional<SqlDestination> destination_;
};

void check_connection(const Destination& account, ConfigProblems& problems) {
  // Never quoted back: the connection string holds the password.
  const std::string value = text_option(account.options, "connection");
  if (value.empty()) return;
  if (value.find('=') == std::string::npos) {
    problems.push_back({"connection",
                        "expected an ODBC connection string such as \"Driver={PostgreSQL Unicode};Server=...;"
                        "Database=...\" or \"DSN=name\" (no '=' found)"});
  } else if (!account.options.contains("dialect") && odbc::find_attribute(value, "Driver") &&
             !odbc::guess_dialect(value)) {
    // A DSN hides its driver: that case is settled when the run connects.
    problems.push_back({"connection", "cannot tell the SQL dialect from this connection's Driver " +
                                          text::quote_for_message(*odbc::find_attribute(value, "Driver")) +
                                          "; add `dialect:` (" + text::join(dialect_names(), ", ") + ")"});
  }
}

void check_table(const SyncDestination& sync, ConfigProblems& problems) {
  const std::string table = text_option(sync.options, "table");
  static const std::regex table_name(R"([A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2})");
  if (!table.empty() && !std::regex_match(table, table_name)) {
    problems.push_back({"table",
                        "expected a table name such as \"scores\" or \"public.scores\" (letters, digits, _ and $; "
                        "at most catalog.schema.table), found " +
                            text::quote_for_message(table)});
  }
}

void check_flat_mapping(const mappers::MappingSpec& mapping, ConfigProblems& problems) {
  for (const mappers::FieldMappingSpec& entry : mapping) {
    if (entry.field.find('.') == std::string::npos) continue;
    problems.push_back({entry.field,
                        "a sql destination writes one column per mapped field; '" + entry.field +
                            "' is a nested path (use a column name without dots)",
                        {},
                        entry.location});
  }
}

}  // namespace

const DestinationType& sql_type() {
  static const DestinationType type = [] {
    DestinationType t;
    t.name = "sql";
    t.modes = all_modes();
    t.options = {secret_key("connection", Requirement::required), choice_key("dialect", dialect_names()),
                 key("create_table", OptionKind::boolean),
                 bounded_key("batch_size", 1, 100'000, "rows per transaction")};
    t.sync_options = {key("table", OptionKind::string, Requirement::required)};
    t.match_on_refused = "a sql destination matches rows on the sync's source.primary_key columns; remove match_on";
    t.check_account = check_connection;
    t.check_sync = check_table;
    t.check_mapping = check_flat_mapping;
    t.make_target = [](const TargetContext& context) -> std::unique_ptr<DeliveryTarget> {
      return std::make_unique<SqlTarget>(context);
    };
    return t;
  }();
  return type;
}

}  // namespace backflow::destinations
