// `backflow serve` as a child process for tests: started with arguments,
// its output in a file, signalled and waited for with a timeout.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace backflow::test {

class ChildProcess {
 public:
  // Runs `argv` (argv[0] a path) with stdout and stderr to `log_file`.
  ChildProcess(std::vector<std::string> argv, std::filesystem::path log_file);
  ~ChildProcess();  // SIGKILL and reap if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void signal(int sig) const;
  // The exit code, or nullopt when still running after `timeout`
  // (-signal when killed by a signal).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  std::string output() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_file_;
  std::optional<int> exit_code_;
};

// Polls GET `url` until it answers 200 or `timeout` passes.
bool wait_for_http_ok(const std::string& url, std::chrono::milliseconds timeout, const std::string& token = "");

// Polls `condition` every 50 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

}  // namespace backflow::test
