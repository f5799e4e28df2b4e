// The message for a sync name the config does not define, shared by the
// subcommands that take one.
#pragma once

#include <string>

#include "service/config/config.h"

namespace backflow::cli {

// "backflow run: no sync named 'x' in FILE (did you mean 'y'?)" or
// "... (defined: a, b)"; the name is quoted and escaped.
std::string unknown_sync_message(const std::string& command, const std::string& name, const config::Config& config,
                                 const std::string& file);

}  // namespace backflow::cli
