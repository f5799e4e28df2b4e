// The run executor of `backflow serve`: the sync runner (service/runner).
#pragma once

#include "service/serve/serve_service.h"

namespace backflow::serve {

// Makes the executor that runs syncs for real.
ExecutorFactory runner_executor_factory();

}  // namespace backflow::serve
