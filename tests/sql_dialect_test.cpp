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
