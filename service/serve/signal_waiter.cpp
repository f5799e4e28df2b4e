#include "service/serve/signal_waiter.h"

#include <pthread.h>

namespace backflow::serve {

SignalWaiter::SignalWaiter() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
}

SignalWaiter::~SignalWaiter() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

ServiceSignal SignalWaiter::wait() {
  for (;;) {
    int received = 0;
    if (sigwait(&signals_, &received) != 0) continue;
    if (received == SIGHUP) return ServiceSignal::Reload;
    return ServiceSignal::Stop;
  }
}

}  // namespace backflow::serve
