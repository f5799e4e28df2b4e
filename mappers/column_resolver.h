// Finds model columns by the names the mapping uses.
#pragma once

#include <string>
#include <vector>

#include "model/row_source.h"

namespace backflow::mappers {

class ColumnResolver {
 public:
  // Keeps a reference: `columns` must outlive the resolver.
  explicit ColumnResolver(const std::vector<ColumnInfo>& columns);

  // Index of the column named `name`: an exact match, else the only
  // case-insensitive match (drivers differ in the case they report). Throws
  // MappingError naming `field` and `name`, with the nearest column suggested.
  std::size_t resolve(const std::string& name, const std::string& field) const;

 private:
  const std::vector<ColumnInfo>& columns_;
  std::vector<std::string> names_;
};

}  // namespace backflow::mappers
