// `validate --check-sources`: connects to each sync's warehouse, reads the
// model's columns (a query that returns no rows) and compiles the mapping
// against them, entry by entry, so that every unknown column is reported at
// its mapping entry's file:line:col with the nearest column suggested.
#pragma once

#include <string>
#include <vector>

#include "service/config/config.h"

namespace backflow::cli {

// One problem per line, "FILE:LINE:COL: error: syncs.NAME...: message".
// Empty when every sync's model has what its mapping and key need.
std::vector<std::string> check_sources(const config::Config& config);

}  // namespace backflow::cli
