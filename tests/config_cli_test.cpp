// `backflow validate` as a user runs it: exit codes and output shape.
#include <catch2/catch.hpp>
#include <fstream>

#include "tests/support/test_env.h"

using namespace backflow::test;

namespace {

std::string validate(const std::string& arguments, const std::string& env = "") {
  return env + " " + shell_quote(backflow_binary().string()) + " validate " + arguments;
}

std::string fixture(const std::string& name) { return shell_quote((source_dir() / "tests/configs" / name).string()); }

}  // namespace

TEST_CASE("validate prints a one-line summary and exits 0 for a valid config", "[config][cli]") {
  auto secrets = make_temp_dir("cli-secrets");
  std::ofstream(secrets / "hubspot_token") << "token\n";
  auto result = run_command(validate(
      "-c " + fixture("valid_full.yaml"),
      "BACKFLOW_TEST_TOKEN=t BACKFLOW_TEST_PGPASSWORD=p BACKFLOW_TEST_SECRET_DIR=" + shell_quote(secrets.string())));
  CHECK(result.exit_code == 0);
  CHECK(result.output == "config OK: 2 warehouses, 2 destinations, 5 syncs (4 scheduled, 1 manual)\n");
}

TEST_CASE("validate lists every error as FILE:LINE:COL and exits 2", "[config][cli]") {
  const std::string file = (source_dir() / "tests/configs/bad/dangling_warehouse.yaml").string();
  // Errors go to stderr, nothing to stdout.
  auto result = run_command("(" + validate("-c " + shell_quote(file)) + " 2>&1 >/dev/null)");
  CHECK(result.exit_code == 2);
  CHECK(result.output == file +
                             ":12:26: error: syncs.contacts.source.warehouse: unknown warehouse 'analytcs' "
                             "(defined: analytics) (did you mean 'analytics'?)\n1 error in " +
                             file + "\n");

  auto many = run_command(validate("-c " + fixture("bad/many_errors.yaml")));
  CHECK(many.exit_code == 2);
  CHECK(many.output.find("many_errors.yaml:2:1: error: stat_dir: unknown key") != std::string::npos);
  CHECK(many.output.find("many_errors.yaml:20:13: error: alerts[0].type:") != std::string::npos);
  CHECK(many.output.find("10 errors in") != std::string::npos);
}

TEST_CASE("validate refuses what would fail only at run time: colliding mapping paths, an unsupported object",
          "[config][cli]") {
  auto paths = run_command(validate("-c " + fixture("bad/mapping_path_conflict.yaml")));
  CHECK(paths.exit_code == 2);
  CHECK(paths.output.find("mapping_path_conflict.yaml:17:7: error: syncs.people.mapping.v.x: field 'v.x' conflicts "
                          "with field 'v' (line 15)") != std::string::npos);
  CHECK(paths.output.find("3 errors in") != std::string::npos);
  auto object = run_command(validate("-c " + fixture("bad/intercom_companies.yaml")));
  CHECK(object.exit_code == 2);
  CHECK(object.output.find("object 'companies' is not supported by intercom destinations (supported: contacts)") !=
        std::string::npos);
}

TEST_CASE("validate reads ${NAME} from the process environment", "[config][cli]") {
  auto missing = run_command(validate("-c " + fixture("bad/missing_env_var.yaml")));
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("environment variable 'BACKFLOW_TEST_UNSET_TOKEN' is not set") != std::string::npos);
  auto set = run_command(validate("-c " + fixture("bad/missing_env_var.yaml"),
                                  "BACKFLOW_TEST_UNSET_TOKEN=a BACKFLOW_TEST_UNSET_PASSWORD=b"));
  CHECK(set.exit_code == 0);
  CHECK(set.output == "config OK: 1 warehouse, 0 destinations, 0 syncs (0 scheduled, 0 manual)\n");
}

TEST_CASE("validate usage errors exit 2", "[config][cli]") {
  auto no_config = run_command("(" + validate("") + " 2>&1 >/dev/null)");
  CHECK(no_config.exit_code == 2);
  CHECK(no_config.output == "usage: backflow validate -c FILE [--check-sources]\n");
  auto missing_file = run_command(validate("-c /nonexistent/backflow.yaml"));
  CHECK(missing_file.exit_code == 2);
  CHECK(missing_file.output.find(
            "/nonexistent/backflow.yaml: error: cannot read config file: No such file or directory") !=
        std::string::npos);
}

TEST_CASE("validate --check-sources passes a config whose syncs read nothing", "[config][cli]") {
  auto result = run_command(validate("--check-sources -c " + fixture("bad/missing_env_var.yaml"),
                                     "BACKFLOW_TEST_UNSET_TOKEN=a BACKFLOW_TEST_UNSET_PASSWORD=b"));
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("sources OK") != std::string::npos);
}
