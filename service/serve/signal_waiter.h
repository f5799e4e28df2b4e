// The process signals `serve` acts on, received synchronously: SIGTERM and
// SIGINT (stop) and SIGHUP (reload the config). Blocking them in the
// constructor, before any other thread exists, makes every thread inherit
// the mask, so only wait() ever sees them.
#pragma once

#include <csignal>

namespace backflow::serve {

enum class ServiceSignal { Stop, Reload };

class SignalWaiter {
 public:
  // Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (and in threads
  // it starts from now on). Create it first thing in the serving thread.
  SignalWaiter();
  ~SignalWaiter();  // restores the previous mask
  SignalWaiter(const SignalWaiter&) = delete;
  SignalWaiter& operator=(const SignalWaiter&) = delete;

  // Blocks until one of the signals arrives.
  ServiceSignal wait();

 private:
  sigset_t signals_;
  sigset_t previous_;
};

}  // namespace backflow::serve
