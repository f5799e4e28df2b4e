// The loader's parts on their own: durations, ${...} substitution,
// suggestions.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "service/config/env_expansion.h"
#include "common/suggest.h"
#include "common/duration.h"
#include "tests/support/test_env.h"

using namespace backflow::config;
using backflow::format_duration;
using backflow::parse_duration;
using namespace std::chrono_literals;

namespace {

std::string duration_error(const std::string& text) {
  try {
    parse_duration(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(parsed)";
}

EnvLookup variables(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::string expansion_error(const std::string& text, const EnvLookup& env) {
  try {
    expand_variables(text, env);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(expanded)";
}

}  // namespace

TEST_CASE("durations: the forms ops write", "[config][duration]") {
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("45s") == 45s);
  CHECK(parse_duration("10m") == 10min);
  CHECK(parse_duration("1h30m") == 90min);
  CHECK(parse_duration("2d") == 48h);
  CHECK(parse_duration("1w") == 168h);
  CHECK(parse_duration("1m30s250ms") == 90250ms);
  CHECK(parse_duration("0s") == 0ms);
  CHECK(format_duration(90min) == "1h30m");
  CHECK(format_duration(90250ms) == "1m30s250ms");
  CHECK(format_duration(0ms) == "0s");
}

TEST_CASE("durations: what is refused, and why", "[config][duration]") {
  const std::string examples = " (expected e.g. 500ms, 45s, 10m, 1h30m, 2d)";
  CHECK(duration_error("10") == "invalid duration '10': the number has no unit" + examples);
  CHECK(duration_error("m") == "invalid duration 'm': expected a number before 'm'" + examples);
  CHECK(duration_error("-5m") == "invalid duration '-5m': a duration has no sign" + examples);
  CHECK(duration_error("1x") == "invalid duration '1x': unknown unit 'x'; the units are ms, s, m, h, d, w" + examples);
  CHECK(duration_error("") == "invalid duration '': it is empty" + examples);
  CHECK(duration_error("30m1h") ==
        "invalid duration '30m1h': units must go from largest to smallest, each once" + examples);
  CHECK(duration_error("1h 30m") == "invalid duration '1h 30m': expected a number before ' '" + examples);
  CHECK(duration_error("99999999999999999999d") == "invalid duration '99999999999999999999d': too large" + examples);
  CHECK(duration_error("1.5h") == "invalid duration '1.5h': unexpected '.'" + examples);
}

TEST_CASE("${...}: variables, files and the escape", "[config][env]") {
  auto env = variables({{"USER_NAME", "ada"}, {"EMPTY", ""}});
  CHECK(expand_variables("Uid=${USER_NAME};Pwd=${EMPTY}", env) == "Uid=ada;Pwd=");
  CHECK(expand_variables("price: $5, $${NOT_EXPANDED} and $", env) == "price: $5, ${NOT_EXPANDED} and $");
  CHECK(expand_variables("no variables", env) == "no variables");

  auto dir = backflow::test::make_temp_dir("env-expansion");
  std::ofstream(dir / "token") << "s3cret\n\n";
  CHECK(expand_variables("${file:" + (dir / "token").string() + "}", env) == "s3cret\n");  // one newline trimmed
  auto with_dir = variables({{"SECRETS", dir.string()}});
  CHECK(expand_variables("Bearer ${file:${SECRETS}/token}", with_dir) == "Bearer s3cret\n");

  CHECK(expansion_error("${MISSING}", env) == "environment variable 'MISSING' is not set");
  CHECK(expansion_error("${USER_NAME", env) == "unterminated '${' (write '$${' for a literal '${')");
  CHECK(expansion_error("${not valid}", env) ==
        "'${not valid}' is not a variable name (letters, digits, _) or ${file:/path}");
  CHECK(expansion_error("${file:}", env) == "${file:} needs a path");
  // Tests run as root in CI, where a mode-000 file is still readable: an
  // unreadable secret is simulated by a missing file and by a directory.
  CHECK(expansion_error("${file:" + (dir / "absent").string() + "}", env) ==
        "cannot read file '" + (dir / "absent").string() + "' for ${file:...}: No such file or directory");
  CHECK(expansion_error("${file:" + dir.string() + "}", env) ==
        "cannot read file '" + dir.string() + "' for ${file:...}: it is a directory");
}

TEST_CASE("suggestions: close misspellings only", "[config][suggest]") {
  CHECK(backflow::text::edit_distance("mode", "mode") == 0);
  CHECK(backflow::text::edit_distance("mdoe", "mode") == 1);  // a transposition costs 1
  CHECK(backflow::text::edit_distance("kitten", "sitting") == 3);
  CHECK(backflow::text::nearest("shedule", {"source", "schedule", "mapping"}) == "schedule");
  CHECK(backflow::text::nearest("upsrt", {"upsert", "update", "insert"}) == "upsert");
  CHECK(backflow::text::nearest("Upsert", {"upsert", "update"}) == "upsert");  // case only
  CHECK(backflow::text::nearest("salesforce", {"crm", "hooks"}).empty());      // nothing close
  CHECK(backflow::text::nearest("ab", {"xy"}).empty());
}
