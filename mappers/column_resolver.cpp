#include "mappers/column_resolver.h"

#include <strings.h>

#include "mappers/mapping_error.h"
#include "common/suggest.h"

namespace backflow::mappers {

ColumnResolver::ColumnResolver(const std::vector<ColumnInfo>& columns) : columns_(columns) {
  for (const auto& column : columns_) names_.push_back(column.name);
}

std::size_t ColumnResolver::resolve(const std::string& name, const std::string& field) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  std::vector<std::size_t> folded;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (strcasecmp(names_[i].c_str(), name.c_str()) == 0) folded.push_back(i);
  }
  if (folded.size() == 1) return folded.front();
  throw MappingError("field '" + field + "': unknown column '" + name + "'" +
                     text::did_you_mean(name, names_));
}

}  // namespace backflow::mappers
