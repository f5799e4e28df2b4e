// Placeholder until the config loader and the ODBC reader land.
#include "service/commands/commands.h"

namespace backflow::cli {
int command_preview(const Args&, std::ostream&, std::ostream& err) { err << "preview: not built yet\n"; return kExitUsage; }
}  // namespace backflow::cli
