#include <catch2/catch.hpp>

#include "tests/support/test_env.h"

using namespace backflow::test;

TEST_CASE("backflow --version and --help", "[cli]") {
  auto version = run_command(shell_quote(backflow_binary().string()) + " --version");
  CHECK(version.exit_code == 0);
  CHECK(version.output.rfind("backflow ", 0) == 0);

  auto help = run_command(shell_quote(backflow_binary().string()) + " --help");
  CHECK(help.exit_code == 0);
  for (const char* cmd : {"validate", "run", "serve", "status", "preview"}) {
    CHECK(help.output.find(cmd) != std::string::npos);
  }
}

TEST_CASE("unknown commands and commands not built yet exit 2", "[cli]") {
  auto unknown = run_command(shell_quote(backflow_binary().string()) + " frobnicate");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("unknown command 'frobnicate'") != std::string::npos);

  auto none = run_command(shell_quote(backflow_binary().string()));
  CHECK(none.exit_code == 2);
}
