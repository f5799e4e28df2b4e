#include "service/runner/sync_plan.h"
#include "common/text.h"

#include <algorithm>
#include <cctype>

namespace backflow::runner {

namespace {


// The names inside "{{ ... }}"; malformed templates are the mapper's to report.
std::vector<std::string> template_columns(const std::string& text) {
  std::vector<std::string> names;
  std::size_t at = 0;
  while ((at = text.find("{{", at)) != std::string::npos) {
    const std::size_t close = text.find("}}", at + 2);
    if (close == std::string::npos) break;
    std::string name = text::trim(std::string_view(text).substr(at + 2, close - at - 2));
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
  for (const mappers::FieldMappingSpec& entry : sync.mapping) {
    if (entry.kind == mappers::ExpressionKind::Column) add_unique(names, entry.column);
    if (entry.kind == mappers::ExpressionKind::Template) {
      for (const std::string& name : template_columns(entry.template_text)) add_unique(names, name);
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

mappers::MappingSpec make_mapping_spec(const config::Sync& sync) { return sync.mapping; }

Dialect dialect_of(const config::Warehouse& warehouse) { return warehouse.dialect; }

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
