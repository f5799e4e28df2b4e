// The example syncs for the vendor destinations (deploy/examples/hubspot.yaml,
// salesforce.yaml, sql.yaml) validate with their environment variables set.
#include <catch2/catch.hpp>

#include <map>

#include "service/config/config_loader.h"
#include "service/config/diagnostic.h"
#include "tests/support/test_env.h"

using namespace backflow::config;

namespace {

LoadResult load_example(const std::string& file, const std::map<std::string, std::string>& variables) {
  LoadOptions options;
  options.env = [variables](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
  auto result = load_config(backflow::test::source_dir() / "deploy/examples" / file, options);
  for (const auto& diagnostic : result.diagnostics) UNSCOPED_INFO(format_diagnostic(diagnostic));
  return result;
}

}  // namespace

TEST_CASE("deploy/examples/hubspot.yaml validates", "[config][hubspot]") {
  auto result = load_example("hubspot.yaml", {{"HUBSPOT_TOKEN", "pat-na1-x"}, {"ANALYTICS_DB_PASSWORD", "pw"}});
  REQUIRE(result.ok());
  CHECK(result.config->syncs.front().destination.object == "contacts");
  CHECK_FALSE(load_example("hubspot.yaml", {{"ANALYTICS_DB_PASSWORD", "pw"}}).ok());  // the token is required
}

TEST_CASE("deploy/examples/salesforce.yaml validates", "[config][salesforce]") {
  auto result = load_example("salesforce.yaml", {{"SALESFORCE_CLIENT_ID", "id"},
                                                 {"SALESFORCE_CLIENT_SECRET", "secret"},
                                                 {"SALESFORCE_REFRESH_TOKEN", "refresh"},
                                                 {"ANALYTICS_DB_PASSWORD", "pw"}});
  REQUIRE(result.ok());
  CHECK(result.config->syncs.front().destination.object == "Account");
  CHECK(result.config->destinations.front().options.value("bulk_threshold", 0) == 10000);
}

TEST_CASE("deploy/examples/sql.yaml validates", "[config][sql]") {
  auto result = load_example("sql.yaml", {{"ANALYTICS_DB_PASSWORD", "pw"}, {"OPS_DB_PASSWORD", "pw2"}});
  REQUIRE(result.ok());
  CHECK(result.config->syncs.front().destination.options.value("table", "") == "public.account_scores");
}
