#include "diff/model_columns.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "diff/diff_error.h"
#include "common/text.h"

namespace backflow::diff {

namespace {

std::optional<std::size_t> find_column(const std::string& name, const std::vector<ColumnInfo>& columns) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (!text::iequals(columns[i].name, name)) continue;
    if (found) return std::nullopt;  // ambiguous
    found = i;
  }
  return found;
}

std::string list_columns(const std::vector<ColumnInfo>& columns) {
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

std::vector<std::size_t> resolve(const DiffSpec& spec, const std::vector<std::string>& names,
                                 const char* role, const std::vector<ColumnInfo>& columns) {
  std::vector<std::size_t> indexes;
  for (const auto& name : names) {
    auto index = find_column(name, columns);
    if (!index) {
      throw DiffError(spec.sync_name, std::string(role) + " column '" + name +
                                          "' is not in the model (columns: " + list_columns(columns) + ")");
    }
    indexes.push_back(*index);
  }
  return indexes;
}

}  // namespace

ModelColumns resolve_model_columns(const DiffSpec& spec, const std::vector<ColumnInfo>& columns) {
  if (spec.primary_key.empty()) throw DiffError(spec.sync_name, "no primary key column given");
  ModelColumns resolved;
  resolved.key = resolve(spec, spec.primary_key, "primary key", columns);
  resolved.mapped = resolve(spec, spec.mapped_columns, "mapped", columns);
  return resolved;
}

}  // namespace backflow::diff
