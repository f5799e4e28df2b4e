// common/text.h: the helpers every layer uses instead of its own copy.
#include <catch2/catch.hpp>

#include "common/text.h"
#include "destinations/http_message.h"
#include "destinations/redaction.h"

using namespace backflow;

TEST_CASE("text: ASCII case, trimming and joining", "[common][text]") {
  CHECK(text::lower("Driver=PostgreSQL Unicode") == "driver=postgresql unicode");
  CHECK(text::upper("mon-FRI") == "MON-FRI");
  CHECK(text::lower("É") == "É");  // only ASCII is folded
  CHECK(text::iequals("Idempotency-Key", "idempotency-key"));
  CHECK_FALSE(text::iequals("key", "keys"));
  CHECK(text::icontains("[SQLSTATE 08S01] Lost CONNECTION to server", "lost connection"));
  CHECK_FALSE(text::icontains("short", "longer needle"));
  CHECK(text::icontains("anything", ""));
  CHECK(text::trim("  a b \t") == "a b");
  CHECK(text::trim("\r\n a \n") == "\r\n a \n");
  CHECK(text::trim("\r\n a \n", true) == "a");
  CHECK(text::trim("   ").empty());
  CHECK(text::join({"id", "email"}, ", ") == "id, email");
  CHECK(text::join({"", "b"}, "/") == "/b");
  CHECK(text::join({}, ", ").empty());
}

TEST_CASE("text: percent-encoding keeps RFC 3986 unreserved characters only", "[common][text]") {
  CHECK(text::percent_encode("AZaz09-_.~") == "AZaz09-_.~");
  CHECK(text::percent_encode("a b/c?d=e&f") == "a%20b%2Fc%3Fd%3De%26f");
  CHECK(text::percent_encode("é") == "%C3%A9");
  CHECK(text::percent_encode(std::string("\0\xff", 2)) == "%00%FF");
}

TEST_CASE("text: a quoted value stays on one line and is cut", "[common][text]") {
  CHECK(text::quote_for_message("a\nb\t\x1b[31m") == "'a\\nb\\t\\x1b[31m'");
  const std::string quoted = text::quote_for_message(std::string(100, 'x'));
  CHECK(quoted == "'" + std::string(60, 'x') + "...'");
}

TEST_CASE("a vendor base URL: the configured one or the default, without trailing slashes", "[destinations]") {
  CHECK(destinations::base_url("https://api.example.com//", "https://default") == "https://api.example.com");
  CHECK(destinations::base_url("", "https://default/") == "https://default");
  CHECK(destinations::base_url("").empty());
}

TEST_CASE("text: a secret's echoed forms (JSON-escaped, percent-encoded) for redaction", "[common][text][hostile]") {
  using backflow::text::echoed_forms;
  CHECK(echoed_forms("abc123") == std::vector<std::string>{"abc123"});
  CHECK(echoed_forms("Ab/c+d e\"") ==
        std::vector<std::string>{"Ab/c+d e\"", "Ab/c+d e\\\"", "Ab\\/c+d e\\\"", "Ab%2Fc%2Bd%20e%22", "Ab%2fc%2bd%20e%22",
                                 "Ab%2Fc%2Bd+e%22"});
}

TEST_CASE("redaction: a token echoed JSON-escaped or URL-encoded is blanked too", "[destinations][hostile]") {
  const std::string token = "pat-na1/AbC+def==";
  backflow::destinations::Redactor redactor({token});
  const std::string echoed = R"({"message":"bad token pat-na1\/AbC+def==","url":"/x?t=pat-na1%2FAbC%2Bdef%3D%3D",)"
                             R"("lower":"pat-na1%2fAbC%2bdef%3d%3d"})";
  const std::string redacted = redactor.redact_text(echoed);
  INFO(redacted);
  CHECK(redacted.find("AbC") == std::string::npos);
  CHECK(redacted == R"({"message":"bad token [REDACTED]","url":"/x?t=[REDACTED]","lower":"[REDACTED]"})");
}
