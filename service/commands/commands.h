// One function per subcommand. Each returns the process exit code and writes
// its report to out (results) and err (errors, progress).
#pragma once

#include <ostream>

#include "service/cli.h"

namespace backflow::cli {

int command_validate(const Args& args, std::ostream& out, std::ostream& err);
int command_preview(const Args& args, std::ostream& out, std::ostream& err);
int command_receive(const Args& args, std::ostream& out, std::ostream& err);
int command_run(const Args& args, std::ostream& out, std::ostream& err);
int command_status(const Args& args, std::ostream& out, std::ostream& err);
int command_serve(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace backflow::cli
