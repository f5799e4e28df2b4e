#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/utf8.h"
#include "odbc/connection.h"
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

TEST_CASE("each command's --help explains every option its usage names", "[cli]") {
  for (const char* command : {"validate", "preview", "run", "status", "receive", "serve"}) {
    CAPTURE(command);
    auto help = run_command(shell_quote(backflow_binary().string()) + " " + command + " --help");
    CHECK(help.exit_code == 0);
    const std::string usage_line = help.output.substr(0, help.output.find('\n'));
    const auto options_at = help.output.find("\noptions:\n");
    REQUIRE(options_at != std::string::npos);
    const std::string details = help.output.substr(options_at);
    std::istringstream words(usage_line);
    std::string word;
    while (words >> word) {
      const auto dash = word.find("--");
      if (dash == std::string::npos) continue;
      std::string option = word.substr(dash);
      option = option.substr(0, option.find_first_of(" ]"));
      CAPTURE(option);
      // Explained on its own line: "  --option ARG   what it does".
      const auto line = details.find("\n  " + option);
      const auto short_form = details.find(", " + option);
      CHECK((line != std::string::npos || short_form != std::string::npos));
    }
  }
  auto run_help = run_command(shell_quote(backflow_binary().string()) + " run --help");
  CHECK_THAT(run_help.output, Catch::Contains("--full-resync              diff against an empty snapshot"));
  CHECK_THAT(run_help.output, Catch::Contains("exit codes: 0 succeeded, 4 partial"));
}

TEST_CASE("unknown commands and commands not built yet exit 2", "[cli]") {
  auto unknown = run_command(shell_quote(backflow_binary().string()) + " frobnicate");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("unknown command 'frobnicate'") != std::string::npos);

  auto none = run_command(shell_quote(backflow_binary().string()));
  CHECK(none.exit_code == 2);

  auto misspelt = run_command(shell_quote(backflow_binary().string()) + " stauts");
  CHECK(misspelt.exit_code == 2);
  CHECK_THAT(misspelt.output, Catch::Contains("unknown command 'stauts' (did you mean 'status'?)"));
}

TEST_CASE("an unknown option is refused by name, with the nearest one, before anything runs", "[cli]") {
  const std::string bin = shell_quote(backflow_binary().string());
  auto bogus = run_command(bin + " run -c /nonexistent.yaml some_sync --bogus");
  INFO(bogus.output);
  CHECK(bogus.exit_code == 2);
  CHECK_THAT(bogus.output, Catch::Contains("backflow run: unknown option '--bogus' (usage: backflow run -c FILE SYNC"));
  // A misspelt switch used to swallow the next argument as its value.
  auto typo = run_command(bin + " run --dry-rnu -c /nonexistent.yaml some_sync");
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.output, Catch::Contains("unknown option '--dry-rnu' (did you mean '--dry-run'?)"));
  auto valued = run_command(bin + " preview --limt=5 -c /nonexistent.yaml s");
  CHECK_THAT(valued.output, Catch::Contains("unknown option '--limt' (did you mean '--limit'?)"));
  // Escaped: a terminal escape in an option name is not printed raw.
  auto hostile = run_command(bin + " status \"$(printf '%s\\033[31mred' --)\"");
  CHECK(hostile.exit_code == 2);
  CHECK(hostile.output.find('\x1b') == std::string::npos);
}

TEST_CASE("backflow preview cuts long text on a code point boundary and aligns by code points", "[cli]") {
  auto dir = make_temp_dir("cli-preview-utf8");
  const std::string connection = sqlite_connection_string(dir / "model.db");
  std::string accents;
  for (int i = 0; i < 50; ++i) accents += "\xC3\xA9";  // "é", 2 bytes: a cut by bytes splits one
  {
    auto db = backflow::odbc::Connection::open(connection, "preview-model");
    db.execute("create table notes (id integer primary key, body text, tag text)");
    db.execute("insert into notes values (?, ?, ?)",
               {backflow::Value::integer(1), backflow::Value::text(accents), backflow::Value::text("x")});
    db.execute("insert into notes values (?, ?, ?)",
               {backflow::Value::integer(2), backflow::Value::text("short"), backflow::Value::text("y")});
  }
  const auto config = dir / "backflow.yaml";
  std::ofstream(config) << "version: 1\nstate_dir: " << (dir / "state").string() << "\n"
                        << "warehouses:\n  model: { connection: " << nlohmann::json(connection).dump()
                        << ", dialect: sqlite }\n"
                        << "destinations:\n  hook: { type: webhook, url: \"http://127.0.0.1:1/hook\" }\n"
                        << "syncs:\n  notes_sync:\n"
                        << "    source: { warehouse: model, table: notes, primary_key: id }\n"
                        << "    destination: { name: hook, mode: upsert }\n"
                        << "    mapping: { body: body, tag: tag }\n";

  auto preview = run_command(shell_quote(backflow_binary().string()) + " preview -c " + shell_quote(config.string()) +
                             " notes_sync");
  INFO(preview.output);
  REQUIRE(preview.exit_code == 0);
  CHECK(backflow::text::is_valid_utf8(preview.output));

  // 37 whole characters and "...", 40 columns wide like an ASCII cell, and
  // the next column starts at the same column on every line.
  std::string cut;
  for (int i = 0; i < 37; ++i) cut += "\xC3\xA9";
  const std::vector<std::string> table = {
      "  id body" + std::string(36, ' ') + " tag",
      "  -- " + std::string(40, '-') + " ---",
      "  1  " + cut + "... x",
      "  2  short" + std::string(35, ' ') + " y",
  };
  std::istringstream lines(preview.output);
  std::string line;
  while (std::getline(lines, line) && line.rfind("first ", 0) != 0) {
  }
  for (const std::string& expected : table) {
    REQUIRE(std::getline(lines, line));
    CHECK(line == expected);
  }
}
