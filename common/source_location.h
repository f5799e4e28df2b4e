// Where a config value came from, for error messages that point at it. Lives
// at the lowest layer because the structs config files are parsed into are
// defined by the layers that use them (mappings, destination blocks).
#pragma once

#include <string>

namespace backflow {

// A position in a config file. line and column are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

}  // namespace backflow
