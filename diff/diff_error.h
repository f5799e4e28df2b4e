// The error every diff engine throws for a problem the user must fix or that
// aborted the run (missing column, dropped table, corrupted state). The
// message names the sync and the object involved.
#pragma once

#include <stdexcept>
#include <string>

namespace backflow::diff {

class DiffError : public std::runtime_error {
 public:
  DiffError(const std::string& sync_name, const std::string& message)
      : std::runtime_error("sync '" + sync_name + "': " + message) {}
};

}  // namespace backflow::diff
