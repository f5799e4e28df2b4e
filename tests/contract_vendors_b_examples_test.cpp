// The example syncs shipped for Braze, Klaviyo, Iterable and Intercom validate.
#include <catch2/catch.hpp>

#include "service/config/config_loader.h"
#include "tests/support/test_env.h"

using namespace backflow::config;
using backflow::test::source_dir;

TEST_CASE("deploy/examples braze, klaviyo, iterable and intercom yaml validate", "[config][vendors-b]") {
  LoadOptions options;
  options.env = [](const std::string& name) -> std::optional<std::string> { return "example-" + name; };
  for (const char* name : {"braze", "klaviyo", "iterable", "intercom"}) {
    INFO(name);
    auto result = load_config(source_dir() / "deploy/examples" / (std::string(name) + ".yaml"), options);
    for (const auto& d : result.diagnostics) UNSCOPED_INFO(format_diagnostic(d));
    REQUIRE(result.ok());
    CHECK_FALSE(result.config->syncs.empty());
    CHECK(result.config->destinations.front().type == name);
  }
}
