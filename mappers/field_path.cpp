#include "mappers/field_path.h"

#include "mappers/mapping_error.h"

namespace backflow::mappers {

std::vector<std::string> split_field_path(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t begin = 0;
  while (true) {
    std::size_t dot = path.find('.', begin);
    std::string segment = path.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin);
    if (segment.empty()) {
      throw MappingError("field '" + path + "': empty name in the field path");
    }
    segments.push_back(std::move(segment));
    if (dot == std::string::npos) break;
    begin = dot + 1;
  }
  return segments;
}

void check_field_paths_disjoint(const std::vector<std::string>& paths) {
  std::vector<std::vector<std::string>> split;
  for (const auto& path : paths) split.push_back(split_field_path(path));
  for (std::size_t i = 0; i < split.size(); ++i) {
    for (std::size_t j = i + 1; j < split.size(); ++j) {
      const auto& shorter = split[i].size() <= split[j].size() ? split[i] : split[j];
      const auto& longer = split[i].size() <= split[j].size() ? split[j] : split[i];
      bool prefix = true;
      for (std::size_t k = 0; k < shorter.size() && prefix; ++k) prefix = shorter[k] == longer[k];
      if (!prefix) continue;
      if (shorter.size() == longer.size()) {
        throw MappingError("field '" + paths[i] + "' is mapped twice");
      }
      const auto& short_path = split[i].size() <= split[j].size() ? paths[i] : paths[j];
      const auto& long_path = split[i].size() <= split[j].size() ? paths[j] : paths[i];
      throw MappingError("fields '" + short_path + "' and '" + long_path + "' conflict: '" +
                         short_path + "' cannot be both a value and an object");
    }
  }
}

}  // namespace backflow::mappers
