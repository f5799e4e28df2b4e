// The guards of design §1, checked between DIFF and DELIVER: a run that would
// remove too much or read too little is BLOCKED before anything is sent.
#pragma once

#include <optional>
#include <string>

#include "diff/change.h"
#include "service/config/config.h"

namespace backflow::runner {

// The reason the run must not deliver, or nullopt when every guard passes.
// The removed share is of the records committed before this run:
// (valid rows - added) + removed.
std::optional<std::string> guard_violation(const config::Guard& guard, const diff::DiffCounts& counts);

}  // namespace backflow::runner
