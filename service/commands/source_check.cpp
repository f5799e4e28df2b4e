#include "service/commands/source_check.h"

#include <map>
#include <optional>

#include "odbc/error.h"
#include "mappers/compiled_mapping.h"
#include "mappers/mapping_error.h"
#include "common/suggest.h"
#include "service/runner/sync_plan.h"
#include "service/runner/warehouse_connection.h"
#include "common/text.h"

namespace backflow::cli {

namespace {

std::string at(const config::SourceLocation& location) {
  return location.file + ":" + std::to_string(location.line) + ":" + std::to_string(location.column) + ": error: ";
}

bool has_column(const std::vector<ColumnInfo>& columns, const std::string& name) {
  for (const auto& c : columns) {
    if (c.name == name) return true;
  }
  // Warehouses fold unquoted identifiers: accept a unique case-insensitive match.
  int matches = 0;
  for (const auto& c : columns) {
    if (text::iequals(c.name, name)) ++matches;
  }
  return matches == 1;
}

}  // namespace

std::vector<std::string> check_sources(const config::Config& config) {
  std::vector<std::string> problems;
  std::map<std::string, std::optional<odbc::Connection>> connections;
  std::map<std::string, std::string> unreachable;
  for (const config::Sync& sync : config.syncs) {
    const config::Warehouse& warehouse = *config.find_warehouse(sync.source.warehouse);
    if (!connections.count(warehouse.name) && !unreachable.count(warehouse.name)) {
      try {
        connections[warehouse.name].emplace(runner::open_warehouse(warehouse));
      } catch (const std::exception& e) {
        unreachable[warehouse.name] = e.what();
        problems.push_back(at(warehouse.location) + "warehouses." + warehouse.name + ": cannot connect: " + e.what());
      }
    }
    if (unreachable.count(warehouse.name)) continue;
    std::vector<ColumnInfo> columns;
    try {
      columns = connections[warehouse.name]
                    ->query(runner::model_columns_sql(sync, runner::dialect_of(warehouse)))
                    .columns();
    } catch (const std::exception& e) {
      problems.push_back(at(sync.source.location) + "syncs." + sync.name + ".source: cannot read the model: " +
                         e.what());
      continue;
    }
    std::vector<std::string> names;
    for (const auto& c : columns) names.push_back(c.name);
    for (const std::string& key : sync.source.primary_key) {
      if (has_column(columns, key)) continue;
      problems.push_back(at(sync.source.location) + "syncs." + sync.name + ".source.primary_key: column '" + key +
                         "' is not in the model" + text::did_you_mean(key, names));
    }
    if (sync.destination.match_on && !has_column(columns, sync.destination.match_on->column)) {
      problems.push_back(at(sync.destination.location) + "syncs." + sync.name +
                         ".destination.match_on.column: column '" + sync.destination.match_on->column +
                         "' is not in the model" + text::did_you_mean(sync.destination.match_on->column, names));
    }
    const mappers::MappingSpec spec = runner::make_mapping_spec(sync);
    for (std::size_t i = 0; i < spec.size(); ++i) {
      try {
        (void)mappers::CompiledMapping::compile({spec[i]}, columns);
      } catch (const mappers::MappingError& e) {
        problems.push_back(at(sync.mapping[i].location) + "syncs." + sync.name + ".mapping." + sync.mapping[i].field +
                           ": " + e.what());
      }
    }
  }
  return problems;
}

}  // namespace backflow::cli
