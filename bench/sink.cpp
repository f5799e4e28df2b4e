// An unlimited loopback HTTP sink for end-to-end benchmarks: answers every
// request 200 "{}" at once, keeps nothing. Prints its URL, then serves until
// killed. Usage: bench_sink
#include <csignal>
#include <cstdio>
#include <thread>

#include "tests/support/http_test_server.h"

int main() {
  backflow::test::HttpTestServer server(
      [](const backflow::test::ReceivedRequest&) { return backflow::test::ServerReply::json(200, "{}"); }, false);
  std::printf("%s\n", server.url("/hook").c_str());
  std::fflush(stdout);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  int received = 0;
  sigwait(&signals, &received);
  return 0;
}
