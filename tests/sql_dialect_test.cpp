#include <catch2/catch.hpp>

#include <stdexcept>

#include "model/sql_dialect.h"

using backflow::Dialect;
using backflow::parse_dialect;
using backflow::quote_identifier;
using backflow::quote_qualified;

TEST_CASE("dialect names parse case-insensitively and unknown ones list the valid names", "[sql_dialect]") {
  CHECK(parse_dialect("postgres") == Dialect::postgres);
  CHECK(parse_dialect("PostgreSQL") == Dialect::postgres);
  CHECK(parse_dialect("SQLite") == Dialect::sqlite);
  CHECK(parse_dialect("bigquery") == Dialect::bigquery);
  CHECK(parse_dialect("databricks") == Dialect::databricks);
  CHECK(backflow::to_string(Dialect::redshift) == "redshift");
  try {
    parse_dialect("oracle");
    FAIL("oracle was accepted");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) ==
          "unknown SQL dialect 'oracle' (expected one of: postgres, sqlite, mysql, snowflake, bigquery, redshift, "
          "databricks)");
  }
}

TEST_CASE("identifiers are quoted per dialect with embedded quotes escaped", "[sql_dialect]") {
  const std::string odd = R"(My "odd" `Table`\x)";
  CHECK(quote_identifier(Dialect::postgres, odd) == R"("My ""odd"" `Table`\x")");
  CHECK(quote_identifier(Dialect::sqlite, odd) == R"("My ""odd"" `Table`\x")");
  CHECK(quote_identifier(Dialect::snowflake, odd) == R"("My ""odd"" `Table`\x")");
  CHECK(quote_identifier(Dialect::redshift, odd) == R"("My ""odd"" `Table`\x")");
  CHECK(quote_identifier(Dialect::mysql, odd) == R"(`My "odd" ``Table``\x`)");
  CHECK(quote_identifier(Dialect::databricks, odd) == R"(`My "odd" ``Table``\x`)");
  CHECK(quote_identifier(Dialect::bigquery, odd) == R"(`My "odd" \`Table\`\\x`)");
  CHECK(quote_identifier(Dialect::postgres, "First Name") == R"("First Name")");
  CHECK(quote_identifier(Dialect::snowflake, "MixedCase") == R"("MixedCase")");
  CHECK_THROWS_AS(quote_identifier(Dialect::postgres, ""), std::invalid_argument);
  CHECK_THROWS_AS(quote_identifier(Dialect::postgres, std::string("a\0b", 3)), std::invalid_argument);
}

TEST_CASE("qualified names are split on dots and already-quoted parts are kept", "[sql_dialect]") {
  CHECK(quote_qualified(Dialect::postgres, "public.customers") == R"("public"."customers")");
  CHECK(quote_qualified(Dialect::bigquery, "proj.data set.My Table") == "`proj`.`data set`.`My Table`");
  CHECK(quote_qualified(Dialect::mysql, "shop.orders") == "`shop`.`orders`");
  CHECK(quote_qualified(Dialect::postgres, R"("my.schema".Orders)") == R"("my.schema"."Orders")");
  CHECK(quote_qualified(Dialect::postgres, R"("a""b.c".t)") == R"("a""b.c"."t")");
  CHECK(quote_qualified(Dialect::databricks, "`cat.alog`.s.t") == "`cat.alog`.`s`.`t`");
  CHECK(quote_qualified(Dialect::bigquery, R"(`a\`.b`.t)") == R"(`a\`.b`.`t`)");
  CHECK_THROWS_AS(quote_qualified(Dialect::postgres, "a..b"), std::invalid_argument);
  CHECK_THROWS_AS(quote_qualified(Dialect::postgres, "a."), std::invalid_argument);
  CHECK_THROWS_AS(quote_qualified(Dialect::postgres, R"("unterminated.t)"), std::invalid_argument);
  CHECK_THROWS_AS(quote_qualified(Dialect::postgres, R"("a"x.t)"), std::invalid_argument);
}

TEST_CASE("the dialect registry holds each dialect once, at its enum position, under its config name",
          "[sql_dialect]") {
  const auto& names = backflow::dialect_names();
  REQUIRE(names.size() == 7);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Dialect dialect = parse_dialect(names[i]);
    CHECK(static_cast<std::size_t>(dialect) == i);
    const backflow::SqlDialect& rules = backflow::sql_dialect(dialect);
    CHECK(rules.id() == dialect);
    CHECK(rules.name() == names[i]);
    CHECK(backflow::to_string(dialect) == names[i]);
    for (std::string_view alias : rules.aliases()) CHECK(parse_dialect(alias) == dialect);
  }
}

TEST_CASE("dialect capabilities that the statement builders rely on", "[sql_dialect]") {
  using backflow::sql_dialect;
  // Without schemas the bookkeeping tables take a name prefix; only SQLite.
  CHECK_FALSE(sql_dialect(Dialect::sqlite).capabilities().schemas);
  CHECK(sql_dialect(Dialect::postgres).capabilities().schemas);
  // No hash functions means no row hash, only compared renderings.
  CHECK(sql_dialect(Dialect::sqlite).row_hash({{"m.a", "int"}}, "1", true).empty());
  CHECK_FALSE(sql_dialect(Dialect::mysql).row_hash({{"m.a", "int"}}, "1", true).empty());
  // A transient table is cheaper only where the warehouse offers it.
  CHECK(sql_dialect(Dialect::postgres).create_transient_table() == "CREATE UNLOGGED TABLE ");
  CHECK(sql_dialect(Dialect::snowflake).create_transient_table() == "CREATE TABLE ");
  CHECK(sql_dialect(Dialect::mysql).concat({"a", "b"}) == "CONCAT(a, b)");
  CHECK(sql_dialect(Dialect::redshift).concat({"a", "b"}) == "a || b");
}

TEST_CASE("an unknown dialect name is quoted and escaped in the message", "[sql_dialect]") {
  try {
    parse_dialect("ora\ncle\x1b[31m");
    FAIL("accepted");
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    CHECK(message.find('\n') == std::string::npos);
    CHECK(message.find('\x1b') == std::string::npos);
    CHECK_THAT(message, Catch::StartsWith("unknown SQL dialect 'ora"));
  }
}

TEST_CASE("driver and DBMS names pick the dialect whose file lists them, with its session and snapshot statements",
          "[sql_dialect]") {
  using backflow::dialect_for_driver_name;
  using backflow::sql_dialect;
  CHECK(dialect_for_driver_name("/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so") == Dialect::postgres);
  CHECK(dialect_for_driver_name("PostgreSQL") == Dialect::postgres);
  CHECK(dialect_for_driver_name("SQLite3") == Dialect::sqlite);
  CHECK(dialect_for_driver_name("MariaDB") == Dialect::mysql);
  CHECK(dialect_for_driver_name("libmyodbc8w.so") == Dialect::mysql);
  CHECK_FALSE(dialect_for_driver_name("Exotic ODBC"));
  CHECK_FALSE(dialect_for_driver_name(""));
  // Only dialects whose default isolation may read two snapshots in one transaction ask for one.
  CHECK(sql_dialect(Dialect::postgres).consistent_read_statement() == "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  CHECK(sql_dialect(Dialect::mysql).consistent_read_statement() == "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  CHECK(sql_dialect(Dialect::sqlite).consistent_read_statement().empty());
  CHECK(sql_dialect(Dialect::postgres).session_setup() == std::vector<std::string>{"SET TIME ZONE 'UTC'"});
  CHECK(sql_dialect(Dialect::mysql).session_setup().empty());
  // An embedded warehouse defaults to the local diff engine.
  CHECK(sql_dialect(Dialect::sqlite).capabilities().embedded);
  CHECK_FALSE(sql_dialect(Dialect::postgres).capabilities().embedded);
}
