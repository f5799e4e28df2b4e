// Where a config value came from, for error messages that point at it.
#pragma once

#include <string>

namespace backflow::config {

// A position in a config file. line and column are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

}  // namespace backflow::config
