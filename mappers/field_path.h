// Destination field paths: "address.city" is the key "city" inside the object
// "address".
#pragma once

#include <string>
#include <vector>

namespace backflow::mappers {

// Splits on '.'. Throws MappingError for an empty path or an empty segment
// ("a..b", ".a", "a.").
std::vector<std::string> split_field_path(const std::string& path);

// Whether two valid paths collide: the same path, or one a prefix of the
// other by whole segments ("a" and "a.b" do, "a" and "ab.c" do not).
bool field_paths_collide(const std::string& a, const std::string& b);

// Throws MappingError when two paths collide: the same path twice, or one path
// a prefix of another ("a" and "a.b": "a" cannot be a value and an object).
void check_field_paths_disjoint(const std::vector<std::string>& paths);

}  // namespace backflow::mappers
