// Configs written to break the loader: each case once crashed, hung or
// leaked before, and must now give a located, one-line error (or load).
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/suggest.h"
#include "service/config/config_loader.h"
#include "service/config/env_expansion.h"
#include "tests/support/test_env.h"

using namespace backflow::config;
using backflow::test::make_temp_dir;

namespace {

EnvLookup variables(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::string expansion_error(const std::string& text, const EnvLookup& env = variables({})) {
  try {
    expand_variables(text, env);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(expanded)";
}

std::vector<std::string> errors_of_text(const std::string& yaml, const EnvLookup& env = variables({})) {
  LoadOptions options;
  options.env = env;
  auto result = load_config_text(yaml, "hostile.yaml", options);
  REQUIRE_FALSE(result.ok());
  std::vector<std::string> lines;
  for (const auto& d : result.diagnostics) lines.push_back(format_diagnostic(d));
  return lines;
}

bool one_printable_line(const std::string& text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  return true;
}

const std::string kHeader = R"(version: 1
warehouses:
  w: { connection: "Driver=SQLite3;Database=/tmp/backflow-hostile.db", dialect: sqlite }
destinations:
  d: { type: hubspot, token: abc }
base: &base
  source: { warehouse: w, table: t, primary_key: id }
  destination: { name: d, object: contacts, mode: upsert }
  mapping: { email: email }
)";

// `count` syncs s0 <- s1 <- ... each waiting for the one before; with
// `close_cycle` s0 waits for the last.
std::string after_chain(int count, bool close_cycle) {
  std::string yaml = kHeader + "syncs:\n";
  for (int i = 0; i < count; ++i) {
    std::string parent = i > 0 ? "s" + std::to_string(i - 1) : (close_cycle ? "s" + std::to_string(count - 1) : "");
    yaml += "  s" + std::to_string(i) + ": { <<: *base, schedule: " +
            (parent.empty() ? std::string("manual") : "{ after: [" + parent + "] }") + " }\n";
  }
  return yaml;
}

}  // namespace

TEST_CASE("hostile config: an after: chain of 25,000 syncs loads, and a cycle through all of them is named by its ends",
          "[config][hostile]") {
  const auto started = std::chrono::steady_clock::now();
  auto chain = load_config_text(after_chain(25'000, false), "chain.yaml", LoadOptions{variables({})});
  const auto errors = chain.diagnostics;
  // The only problem is the anchor holder `base`, which is not a config key.
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].key_path == "base");

  const auto cycle = errors_of_text(after_chain(25'000, true));
  REQUIRE(cycle.size() == 2);
  CHECK(cycle[1].find("syncs.s0.schedule.after: schedule 'after' references form a cycle: s0 -> s24999 -> "
                      "s24998 -> s24997 -> ... (24992 more) -> s4 -> s3 -> s2 -> s1 -> s0 (each would wait") !=
        std::string::npos);
  // Linear: well under what the old quadratic search took (minutes).
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(60));
}

TEST_CASE("hostile config: nested ${file:${file:...}} is refused in linear time, ${NAME} in a path still works",
          "[config][hostile]") {
  std::string nested;
  for (int i = 0; i < 100'000; ++i) nested += "${file:";
  nested += "/etc/hostname";
  for (int i = 0; i < 100'000; ++i) nested += "}";
  const auto started = std::chrono::steady_clock::now();
  CHECK(expansion_error(nested) ==
        "nested ${file:...} or ${...} inside ${...} in a ${file:...} path: a path may use ${NAME} only");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK(expansion_error("${A${B}}", variables({{"A", "x"}, {"B", "y"}})) ==
        "'${' inside a ${NAME} reference: only a ${file:...} path may use ${NAME}");
  CHECK(expansion_error("${file:${DIR}/${NAME}") == "unterminated '${' (write '$${' for a literal '${')");

  const auto dir = make_temp_dir("hostile-nested");
  std::ofstream(dir / "token") << "t0ken\n";
  CHECK(expand_variables("${file:${DIR}/${NAME}}", variables({{"DIR", dir.string()}, {"NAME", "token"}})) == "t0ken");

  // Many references side by side stay linear too.
  std::string wide;
  for (int i = 0; i < 200'000; ++i) wide += "${A}";
  CHECK(expand_variables(wide, variables({{"A", "a"}})) == std::string(200'000, 'a'));
}

TEST_CASE("hostile config: ${file:...} reads regular files of at most 1 MiB, never devices, FIFOs or directories",
          "[config][hostile]") {
  CHECK(expansion_error("${file:/dev/zero}") ==
        "cannot read file '/dev/zero' for ${file:...}: it is a device; only regular files are read");
  CHECK(expansion_error("${file:/dev/urandom}") ==
        "cannot read file '/dev/urandom' for ${file:...}: it is a device; only regular files are read");
  const auto dir = make_temp_dir("hostile-files");
  CHECK(expansion_error("${file:" + dir.string() + "}") ==
        "cannot read file '" + dir.string() + "' for ${file:...}: it is a directory");

  // A FIFO with no writer used to block the load forever.
  const auto fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(expansion_error("${file:" + fifo.string() + "}") ==
        "cannot read file '" + fifo.string() +
            "' for ${file:...}: it is a FIFO (named pipe); only regular files are read");

  const auto big = dir / "big";
  std::ofstream(big, std::ios::binary) << std::string(kMaxSecretFileBytes + 1, 'x');
  CHECK(expansion_error("${file:" + big.string() + "}") ==
        "cannot read file '" + big.string() +
            "' for ${file:...}: it is larger than 1048576 bytes (1 MiB), the most a ${file:...} may hold");
  const auto exact = dir / "exact";
  std::ofstream(exact, std::ios::binary) << std::string(kMaxSecretFileBytes, 'y');
  CHECK(expand_variables("${file:" + exact.string() + "}", variables({})).size() == kMaxSecretFileBytes);

  CHECK(expansion_error("${file:/nonexistent/secret}") ==
        "cannot read file '/nonexistent/secret' for ${file:...}: No such file or directory");
  // A path with a newline is shown escaped, on one line.
  CHECK(expansion_error("${file:/nonexistent/a\nb}") ==
        "cannot read file '/nonexistent/a\\nb' for ${file:...}: No such file or directory");
}

TEST_CASE("hostile config: a 64 MiB value gets no did-you-mean and costs no time", "[config][hostile]") {
  const std::string huge(64 * 1024 * 1024, 'p');
  const auto started = std::chrono::steady_clock::now();
  CHECK(backflow::text::nearest(huge, {"postgres", "sqlite", "mysql"}).empty());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
  // Close words still get their suggestion, long ones within the bound too.
  CHECK(backflow::text::nearest("sqlit", {"postgres", "sqlite", "mysql"}) == "sqlite");
  CHECK(backflow::text::nearest("max_concurrencyy", {"max_concurrency", "rate_limit"}) == "max_concurrency");
  CHECK(backflow::text::edit_distance("kitten", "sitting") == 3);
  CHECK(backflow::text::edit_distance("ab", "ba") == 1);
  CHECK(backflow::text::edit_distance("", "abc") == 3);

  const auto errors = errors_of_text(
      "version: 1\nwarehouses:\n  w: { connection: \"Driver=SQLite3;Database=/tmp/x.db\", dialect: " +
      std::string(2 * 1024 * 1024, 's') + " }\n");
  REQUIRE(!errors.empty());
  CHECK(errors[0].find("warehouses.w.dialect: expected one of postgres") != std::string::npos);
  CHECK(errors[0].find("did you mean") == std::string::npos);
  CHECK(errors[0].size() < 400);  // the value is cut, not printed whole
}

TEST_CASE("hostile config: keys, names and values with newlines or terminal escapes print on one line",
          "[config][hostile]") {
  const std::string yaml = kHeader +
                           "\"evil\\nkey\\e[31m\": 1\n"
                           "syncs:\n"
                           "  \"a\\nb\": { <<: *base, schedule: { after: [\"a\\nb\"] }, retry: { every: 1 } }\n"
                           "  c: { <<: *base, schedule: { every: \"10\\e[2Jm\" } }\n"
                           "  d: { <<: *base, schedule: { after: [\"x\\ny\"] } }\n";
  const auto errors = errors_of_text(yaml);
  REQUIRE(errors.size() >= 5);
  for (const auto& line : errors) {
    INFO(line);
    CHECK(one_printable_line(line));
  }
  const std::string all = [&] {
    std::string text;
    for (const auto& line : errors) text += line + "\n";
    return text;
  }();
  CHECK(all.find("unknown key 'evil\\nkey\\x1b[31m'") != std::string::npos);
  CHECK(all.find("form a cycle: a\\nb -> a\\nb") != std::string::npos);
  CHECK(all.find("invalid duration '10\\x1b[2Jm'") != std::string::npos);
  CHECK(all.find("unknown sync 'x\\ny'") != std::string::npos);
}

TEST_CASE("hostile config: a value from the environment or a file is never echoed in an error", "[config][hostile]") {
  const auto dir = make_temp_dir("hostile-secret-values");
  std::ofstream(dir / "revision") << "pat-from-a-file-0123456789\n";
  const auto env = variables({{"HUBSPOT_TOKEN", "pat-na1-0123456789abcdef"},
                              {"SECRETS", dir.string()},
                              {"PORT", "pat-port-secret"},
                              {"EVERY", "pat-every-secret"}});
  const std::string yaml = R"(version: 1
server: { listen: "127.0.0.1:${PORT}", workers: "${HUBSPOT_TOKEN}" }
warehouses:
  w: { connection: "Driver=SQLite3;Database=/tmp/backflow-hostile.db", dialect: "${HUBSPOT_TOKEN}" }
destinations:
  d: { type: hubspot, token: "${HUBSPOT_TOKEN}" }
  k: { type: klaviyo, api_key: "${HUBSPOT_TOKEN}", revision: "${file:${SECRETS}/revision}" }
  db: { type: sql, connection: "Driver=SQLite3;Database=/tmp/x.db", create_table: "${HUBSPOT_TOKEN}" }
syncs:
  s:
    source: { warehouse: w, table: t, primary_key: id }
    destination: { name: d, object: contacts, mode: upsert }
    mapping: { email: email }
    schedule: { every: "${EVERY}" }
)";
  const auto errors = errors_of_text(yaml, env);
  std::string all;
  for (const auto& line : errors) all += line + "\n";
  INFO(all);
  CHECK(all.find("pat-") == std::string::npos);
  CHECK(all.find("server.listen: expected host:port with a port from 1 to 65535, found the value of ${PORT} "
                 "(not shown: values from the environment and files are never echoed)") != std::string::npos);
  CHECK(all.find("server.workers: expected a whole number from 1 to 256, found the value of ${HUBSPOT_TOKEN}") !=
        std::string::npos);
  CHECK(all.find("warehouses.w.dialect: expected one of postgres, sqlite, mysql, snowflake, bigquery, redshift, "
                 "databricks, found the value of ${HUBSPOT_TOKEN}") != std::string::npos);
  CHECK(all.find("destinations.k.revision: expected a Klaviyo API revision date such as \"2025-01-15\", found the "
                 "value of ${file:${SECRETS}/revision}") != std::string::npos);
  CHECK(all.find("destinations.db.create_table: expected true or false, found the value of ${HUBSPOT_TOKEN}") !=
        std::string::npos);
  CHECK(all.find("syncs.s.schedule.every: expected a duration") != std::string::npos);
}

TEST_CASE("server.tls: both PEM files must be readable files, named in the error", "[config][tls]") {
  const auto dir = make_temp_dir("config-tls");
  std::ofstream(dir / "cert.pem") << "-----BEGIN CERTIFICATE-----\n";
  const std::string yaml = "version: 1\nserver:\n  tls: { cert_file: \"" + (dir / "cert.pem").string() +
                           "\", key_file: \"" + dir.string() + "\" }\n";
  const auto column = std::to_string(yaml.find("\"", yaml.find("key_file")) - yaml.find("  tls") + 1);
  CHECK(errors_of_text(yaml) ==
        std::vector<std::string>{"hostile.yaml:3:" + column + ": error: server.tls.key_file: cannot read the file '" +
                                 dir.string() + "' (a PEM file is expected)"});
  CHECK(errors_of_text("version: 1\nserver: { tls: { cert_file: a.pem } }\n") ==
        std::vector<std::string>{"hostile.yaml:2:16: error: server.tls.key_file: missing required key 'key_file'"});
  LoadOptions options;
  options.env = variables({});
  auto loaded = load_config_text("version: 1\nserver:\n  tls: { cert_file: \"" + (dir / "cert.pem").string() +
                                     "\", key_file: \"" + (dir / "cert.pem").string() + "\" }\n",
                                 "tls.yaml", options);
  REQUIRE(loaded.ok());
  REQUIRE(loaded.config->server.tls);
  CHECK(loaded.config->server.tls->key_file == (dir / "cert.pem").string());
}

TEST_CASE("server.tokens: names, roles and tokens are checked, and a token is never echoed", "[config][roles]") {
  const std::string yaml = R"(version: 1
server:
  auth_token: root-secret-1
  tokens:
    - { name: viewer, token: view-secret-1, role: read }
    - { name: ci, token: view-secret-1, role: operate }
    - { name: viewer, token: other-secret-1, role: admin }
    - { name: admin, token: root-secret-1, role: reader }
)";
  const auto errors = errors_of_text(yaml);
  std::string all;
  for (const auto& line : errors) all += line + "\n";
  INFO(all);
  CHECK(all.find("secret-1") == std::string::npos);
  CHECK(all.find("server.tokens[1].token: the same token as 'viewer' (each token must be different)") !=
        std::string::npos);
  CHECK(all.find("server.tokens[2].name: token name 'viewer' is used twice") != std::string::npos);
  CHECK(all.find("server.tokens[3].role: expected one of read, operate, admin, found 'reader' (did you mean 'read'?)") !=
        std::string::npos);

  LoadOptions options;
  options.env = variables({});
  auto loaded = load_config_text(
      "version: 1\nserver: { tokens: [ { name: ci, token: t0k3n-ci, role: operate } ] }\n", "ok.yaml", options);
  REQUIRE(loaded.ok());
  REQUIRE(loaded.config->server.tokens.size() == 1);
  CHECK(loaded.config->server.tokens[0].role == "operate");
}
