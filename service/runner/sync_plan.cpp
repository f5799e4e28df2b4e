#include "service/runner/sync_plan.h"

#include <algorithm>
#include <cctype>

namespace backflow::runner {

namespace {

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// The names inside "{{ ... }}"; malformed templates are the mapper's to report.
std::vector<std::string> template_columns(const std::string& text) {
  std::vector<std::string> names;
  std::size_t at = 0;
  while ((at = text.find("{{", at)) != std::string::npos) {
    const std::size_t close = text.find("}}", at + 2);
    if (close == std::string::npos) break;
    std::string name = trim(std::string_view(text).substr(at + 2, close - at - 2));
    if (!name.empty()) names.push_back(std::move(name));
    at = close + 2;
  }
  return names;
}

void add_unique(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

}  // namespace

std::vector<std::string> mapped_columns(const config::Sync& sync) {
  std::vector<std::string> names;
  for (const config::MappingEntry& entry : sync.mapping) {
    const config::MappingExpression& expression = entry.expression;
    if (expression.kind == config::MappingExpression::Kind::column) add_unique(names, expression.column);
    if (expression.kind == config::MappingExpression::Kind::template_text) {
      for (const std::string& name : template_columns(expression.template_text)) add_unique(names, name);
    }
  }
  if (sync.destination.match_on) add_unique(names, sync.destination.match_on->column);
  return names;
}

diff::DiffSpec make_diff_spec(const config::Sync& sync, bool full_resync) {
  diff::DiffSpec spec;
  spec.sync_name = sync.name;
  spec.primary_key = sync.source.primary_key;
  spec.mapped_columns = mapped_columns(sync);
  spec.full_resync = full_resync;
  return spec;
}

mappers::MappingSpec make_mapping_spec(const config::Sync& sync) {
  mappers::MappingSpec spec;
  for (const config::MappingEntry& entry : sync.mapping) {
    mappers::FieldMappingSpec field;
    field.field = entry.field;
    const config::MappingExpression& expression = entry.expression;
    switch (expression.kind) {
      case config::MappingExpression::Kind::column:
        field.kind = mappers::ExpressionKind::Column;
        field.column = expression.column;
        break;
      case config::MappingExpression::Kind::value:
        field.kind = mappers::ExpressionKind::Constant;
        field.constant = expression.value;
        break;
      case config::MappingExpression::Kind::template_text:
        field.kind = mappers::ExpressionKind::Template;
        field.template_text = expression.template_text;
        break;
    }
    for (const config::Transform& transform : expression.transforms) {
      field.transforms.push_back(mappers::TransformSpec{transform.name, transform.argument});
    }
    spec.push_back(std::move(field));
  }
  return spec;
}

Dialect dialect_of(const config::Warehouse& warehouse) { return parse_dialect(config::to_string(warehouse.dialect)); }

std::string model_sql(const config::Sync& sync, Dialect dialect) {
  if (sync.source.table) return "SELECT * FROM " + quote_qualified(dialect, *sync.source.table);
  // A trailing ';' would end the statement early once the query is nested.
  std::string query = *sync.source.query;
  while (!query.empty() && (query.back() == ';' || std::isspace(static_cast<unsigned char>(query.back())))) {
    query.pop_back();
  }
  return query;
}

std::string model_columns_sql(const config::Sync& sync, Dialect dialect) {
  return "SELECT * FROM (" + model_sql(sync, dialect) + ") backflow_model WHERE 1=0";
}

}  // namespace backflow::runner
