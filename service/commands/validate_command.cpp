// Placeholder until the config loader lands.
#include "service/commands/commands.h"

namespace backflow::cli {
int command_validate(const Args&, std::ostream&, std::ostream& err) { err << "validate: not built yet\n"; return kExitUsage; }
}  // namespace backflow::cli
