#include "service/scheduler/run_executor.h"

namespace backflow::scheduler {

void RunSignal::request_stop(StopReason reason) {
  StopReason none = StopReason::None;
  reason_.compare_exchange_strong(none, reason);
  source_.request_stop();
}

}  // namespace backflow::scheduler
