// The `backflow` command line: parses the subcommand and its flags and hands
// them to the command's implementation. Exit codes follow design §5:
// 0 success, 1 run failed, 2 usage or config error, 3 blocked by a guard.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace backflow::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitBlocked = 3;
inline constexpr int kExitPartial = 4;  // finished; some records were not accepted

// Flags and positional arguments of one subcommand invocation.
struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--config" -> "file.yaml"; switches -> "true"

  bool has(const std::string& flag) const { return options.count(flag) != 0; }
  std::string get(const std::string& flag, const std::string& fallback = "") const {
    auto it = options.find(flag);
    return it == options.end() ? fallback : it->second;
  }
};

// Runs the CLI; returns the process exit code. Output goes to out/err.
int main(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace backflow::cli
