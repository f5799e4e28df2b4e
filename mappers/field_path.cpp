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

bool field_paths_collide(const std::string& a, const std::string& b) {
  const std::string& shorter = a.size() <= b.size() ? a : b;
  const std::string& longer = a.size() <= b.size() ? b : a;
  return longer.compare(0, shorter.size(), shorter) == 0 &&
         (longer.size() == shorter.size() || longer[shorter.size()] == '.');
}

void check_field_paths_disjoint(const std::vector<std::string>& paths) {
  for (const auto& path : paths) split_field_path(path);  // throws for an empty segment
  for (std::size_t i = 0; i < paths.size(); ++i) {
    for (std::size_t j = i + 1; j < paths.size(); ++j) {
      if (!field_paths_collide(paths[i], paths[j])) continue;
      if (paths[i].size() == paths[j].size()) {
        throw MappingError("field '" + paths[i] + "' is mapped twice");
      }
      const auto& short_path = paths[i].size() < paths[j].size() ? paths[i] : paths[j];
      const auto& long_path = paths[i].size() < paths[j].size() ? paths[j] : paths[i];
      throw MappingError("fields '" + short_path + "' and '" + long_path + "' conflict: '" +
                         short_path + "' cannot be both a value and an object");
    }
  }
}

}  // namespace backflow::mappers
