// Temporary: replaced by the real commands as they land.
#include "service/commands/commands.h"

namespace backflow::cli {
int command_validate(const Args&, std::ostream&, std::ostream& err) { err << "validate: not built yet\n"; return kExitUsage; }
int command_preview(const Args&, std::ostream&, std::ostream& err) { err << "preview: not built yet\n"; return kExitUsage; }
}  // namespace backflow::cli
