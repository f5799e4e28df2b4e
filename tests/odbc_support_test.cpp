// Pure functions of the ODBC layer: redaction, error classification,
// connection strings and the parsing of values drivers hand over as text.
#include <algorithm>
#include <cmath>
#include <limits>
#include <catch2/catch.hpp>

#include "odbc/column_types.h"
#include "odbc/connection.h"
#include "odbc/connection_string.h"
#include "odbc/error.h"
#include "odbc/redact.h"
#include "odbc/text_values.h"
#include "odbc/utf16.h"

using namespace backflow::odbc;

TEST_CASE("secrets in connection strings are redacted", "[odbc]") {
  CHECK(redact_connection_string("Driver=x;Server=h;Uid=bob;Pwd=hunter2;Port=5") ==
        "Driver=x;Server=h;Uid=bob;Pwd=***;Port=5");
  CHECK(redact_connection_string("DRIVER={PostgreSQL Unicode};PWD={se;cr}}et};Database=d") ==
        "DRIVER={PostgreSQL Unicode};PWD=***;Database=d");
  CHECK(redact_connection_string("Password=p1;token=t2;ApiKey=k3;client_secret=s4;PassPhrase=p5;User=me") ==
        "Password=***;token=***;ApiKey=***;client_secret=***;PassPhrase=***;User=me");
  CHECK(redact_connection_string("Driver=x;Pwd=;Uid=u") == "Driver=x;Pwd=;Uid=u");
  CHECK(redact_connection_string("Driver=x;Pwd=last") == "Driver=x;Pwd=***");
  const std::string redacted = redact_connection_string("Server=h;AccessToken=eyJhbGci.x.y;Uid=u");
  CHECK(redacted.find("eyJhbGci") == std::string::npos);
  CHECK_FALSE(is_secret_key("Uid"));
  CHECK_FALSE(is_secret_key("Server"));
  CHECK(scrub_secrets("login failed for hunter2 (hunter2)", {"hunter2"}) == "login failed for *** (***)");
  CHECK(secret_values("Uid=a;Pwd={x;y};Token=z") == std::vector<std::string>{"x;y", "z"});
}

TEST_CASE("an unclosed brace cannot hide a password, from the redaction nor from unixODBC's echo", "[odbc][hostile]") {
  const std::string hostile = "Driver={PostgreSQL Unicode;Server=127.0.0.1;Uid=u;Pwd=S3cretPassw0rd";
  CHECK(redact_connection_string(hostile) == "Driver={PostgreSQL Unicode;Server=127.0.0.1;Uid=u;Pwd=***");
  CHECK(redact_secret_attributes("[unixODBC][Driver Manager]Can't open lib 'PostgreSQL Unicode;Pwd=S3cret' : "
                                 "file not found") ==
        "[unixODBC][Driver Manager]Can't open lib 'PostgreSQL Unicode;Pwd=***' : file not found");
  CHECK(redact_secret_attributes("Driver={x;Password = {a;b}}c};Uid=u") == "Driver={x;Password = ***;Uid=u");
  // Found by fuzz_connection_string: a braced password followed by stray text.
  const std::string stray = "Driver={PostgreSQL Unicode?;Server=h;Uid=u;Pwd={se;cr}}et}PDatabase=d";
  CHECK(redact_connection_string(stray) == "Driver={PostgreSQL Unicode?;Server=h;Uid=u;Pwd=***");
  CHECK(redact_connection_string(redact_connection_string(stray)) == redact_connection_string(stray));
  // Also found by fuzz_connection_string: a secret-looking key with NUL bytes
  // whose braced value, once redacted, parses differently.
  const std::string with_nul("DrivtokeneeM\0\0\0\0\0\0\0r={ver=h;Pwd=}roPS{5stgrer=r;h;Pwd=S0cecret", 62);
  CHECK(redact_connection_string(with_nul) == std::string("DrivtokeneeM\0\0\0\0\0\0\0r=***;h;Pwd=***", 34));
  CHECK(redact_connection_string(redact_connection_string(with_nul)) == redact_connection_string(with_nul));
  const auto values = secret_values(hostile);
  CHECK(std::find(values.begin(), values.end(), "S3cretPassw0rd") != values.end());
  // A short password is not blanked everywhere in a message, only after its key.
  CHECK(scrub_secrets("Server says: S", {"S"}) == "Server says: S");

  // The real driver manager, which quotes the driver name it cannot load.
  try {
    Connection::open(hostile, "warehouse 'w'");
    FAIL("connected with a driver that does not exist");
  } catch (const Error& e) {
    const std::string message = e.what();
    INFO(message);
    CHECK(message.find("S3cretPassw0rd") == std::string::npos);
    CHECK(message.find("warehouse 'w'") != std::string::npos);
  }
}

TEST_CASE("connection string attributes are found and defaulted", "[odbc]") {
  CHECK(find_attribute("Driver={A;B};usedeclarefetch=0", "UseDeclareFetch") == std::optional<std::string>("0"));
  CHECK(find_attribute("Driver={A;B}", "Driver") == std::optional<std::string>("A;B"));
  CHECK_FALSE(find_attribute("Driver=x", "Fetch"));
  CHECK(with_default_attribute("Driver=x", "Fetch", "100") == "Driver=x;Fetch=100;");
  CHECK(with_default_attribute("Driver=x;fetch=5;", "Fetch", "100") == "Driver=x;fetch=5;");
  // Replaced in place whatever its case or bracing; appended when absent.
  CHECK(with_attribute("Driver=x;option=3;Server=y", "OPTION", "7") == "Driver=x;option=7;Server=y");
  CHECK(with_attribute("Driver=x;OPTION={3};", "OPTION", "7") == "Driver=x;OPTION=7;");
  CHECK(with_attribute("Driver=x", "OPTION", "2") == "Driver=x;OPTION=2;");
}

TEST_CASE("errors are transient for connection loss and permanent for bad SQL", "[odbc]") {
  CHECK(is_transient("08001", "could not connect"));
  CHECK(is_transient("08S01", "Communication link failure"));
  CHECK(is_transient("57P01", "terminating connection due to administrator command"));
  CHECK(is_transient("40001", "could not serialize access"));
  CHECK(is_transient("HYT00", "timeout expired"));
  CHECK(is_transient("57014", "canceling statement due to statement timeout"));
  CHECK(is_transient("53300", "too many connections"));
  CHECK(is_transient("HY000", "could not send query to backend"));
  CHECK(is_transient("HY000", "server closed the connection unexpectedly"));
  CHECK_FALSE(is_transient("HY000", "some other driver failure"));
  CHECK_FALSE(is_transient("08001", "connection to server failed: FATAL:  role \"x\" does not exist"));
  CHECK_FALSE(is_transient("08001", "FATAL:  password authentication failed for user \"x\""));
  CHECK_FALSE(is_transient("08001", "invalid port number: \"99999999\""));
  CHECK_FALSE(is_transient("42601", "syntax error"));
  CHECK_FALSE(is_transient("42P01", "relation does not exist"));
  CHECK_FALSE(is_transient("28P01", "password authentication failed"));
  CHECK_FALSE(is_transient("22003", "numeric value out of range"));

  const Error error("warehouse 'w', query 'select 1'", {{"42601", 7, "syntax error at or near \"selec\""}});
  CHECK(std::string(error.what()) ==
        "warehouse 'w', query 'select 1': [SQLSTATE 42601, native 7] syntax error at or near \"selec\"");
  CHECK(error.sqlstate() == "42601");
  CHECK(error.native_error() == 7);
  CHECK_FALSE(error.transient());
  CHECK(abbreviate_query("select\n   a,\n  b from t") == "select a, b from t");
  CHECK(abbreviate_query(std::string(300, 'x')).size() == 203);
}

TEST_CASE("decimals from drivers are kept exact, exponents expanded", "[odbc]") {
  CHECK(normalize_decimal("12345678901234567890.123456789012345678") ==
        std::optional<std::string>("12345678901234567890.123456789012345678"));
  CHECK(normalize_decimal("-1.50") == std::optional<std::string>("-1.50"));
  CHECK(normalize_decimal("+7") == std::optional<std::string>("7"));
  CHECK(normalize_decimal(".5") == std::optional<std::string>("0.5"));
  CHECK(normalize_decimal("1.5e+20") == std::optional<std::string>("150000000000000000000"));
  CHECK(normalize_decimal("1.25E-3") == std::optional<std::string>("0.00125"));
  CHECK_FALSE(normalize_decimal("NaN"));
  CHECK_FALSE(normalize_decimal("Infinity"));
  CHECK_FALSE(normalize_decimal("1.2.3"));
  CHECK_FALSE(normalize_decimal(""));
}

TEST_CASE("non-finite decimals (PostgreSQL numeric NaN, Infinity) are recognised, nothing else", "[odbc]") {
  CHECK(std::isnan(*special_number("NaN")));
  CHECK(*special_number("Infinity") == std::numeric_limits<double>::infinity());
  CHECK(*special_number("-Infinity") == -std::numeric_limits<double>::infinity());
  CHECK(*special_number("inf") == std::numeric_limits<double>::infinity());
  CHECK_FALSE(special_number("1.5"));
  CHECK_FALSE(special_number("NaNa"));
  CHECK_FALSE(special_number(""));
}

TEST_CASE("times of day keep their fraction", "[odbc]") {
  const auto t = parse_time_of_day("12:34:56.123456");
  REQUIRE(t);
  CHECK(*t == backflow::TimeOfDay{12, 34, 56, 123456000});
  CHECK(parse_time_of_day("00:00:00") == std::optional<backflow::TimeOfDay>(backflow::TimeOfDay{0, 0, 0, 0}));
  CHECK_FALSE(parse_time_of_day("12:34"));
  CHECK_FALSE(parse_time_of_day("25:00:00"));
  CHECK_FALSE(parse_time_of_day("12:00:00+02"));
  CHECK(format_time_of_day({1, 2, 3, 500000000}) == "01:02:03.500000000");
}

TEST_CASE("UTF-16 from drivers becomes UTF-8, surrogate pairs included", "[odbc]") {
  const std::u16string wide = u"a\u00e9\u6f22\U0001F600z";
  std::string out;
  append_utf16_as_utf8(wide.data(), wide.size(), out);
  CHECK(out == "a\u00e9\u6f22\U0001F600z");
  const char16_t unpaired[] = {u'x', 0xD83D, u'y', 0xDE00};
  out.clear();
  append_utf16_as_utf8(unpaired, 4, out);
  CHECK(out == "x\uFFFDy\uFFFD");
}

TEST_CASE("ODBC column types map to value types, driver type names disambiguating", "[odbc]") {
  using backflow::ValueType;
  CHECK(logical_type(SQL_BIGINT, "int8", false) == ValueType::Int);
  CHECK(logical_type(SQL_BIGINT, "bigint unsigned", true) == ValueType::Decimal);  // may exceed int64
  CHECK(logical_type(SQL_TINYINT, "tinyint", false) == ValueType::Int);
  CHECK(logical_type(SQL_NUMERIC, "numeric", false) == ValueType::Decimal);
  CHECK(logical_type(SQL_DOUBLE, "numeric", false) == ValueType::Decimal);  // sqliteodbc's NUMERIC
  CHECK(logical_type(SQL_DOUBLE, "float8", false) == ValueType::Double);
  CHECK(logical_type(SQL_VARCHAR, "bool", false) == ValueType::Bool);  // psqlODBC BoolsAsChar=1
  CHECK(logical_type(SQL_BIT, "bit", false) == ValueType::Bool);
  CHECK(logical_type(SQL_TYPE_TIMESTAMP, "timestamptz", false) == ValueType::TimestampTz);
  CHECK(logical_type(SQL_TYPE_TIMESTAMP, "timestamp with time zone", false) == ValueType::TimestampTz);
  CHECK(logical_type(SQL_TYPE_TIMESTAMP, "timestamp without time zone", false) == ValueType::Timestamp);
  CHECK(logical_type(SQL_TYPE_TIME, "timetz", false) == ValueType::Text);
  CHECK(logical_type(SQL_TYPE_TIME, "time", false) == ValueType::Time);
  CHECK(logical_type(SQL_LONGVARBINARY, "bytea", false) == ValueType::Binary);
  CHECK(logical_type(SQL_WLONGVARCHAR, "ntext", false) == ValueType::Text);
  CHECK(logical_type(SQL_GUID, "uuid", false) == ValueType::Text);

  backflow::ColumnInfo text;
  text.type = ValueType::Text;
  text.sql_type = SQL_LONGVARCHAR;
  text.size = 8190;
  CHECK(plan_fetch(text, 4096).c_type == SQL_C_CHAR);
  CHECK(plan_fetch(text, 4096).bound_bytes == 4096);  // capped
  text.size = 7;
  CHECK(plan_fetch(text, 4096).bound_bytes == 29);  // 4 bytes per character + NUL
  text.sql_type = SQL_WVARCHAR;
  CHECK(plan_fetch(text, 4096).c_type == SQL_C_WCHAR);
  CHECK(plan_fetch(text, 4096, TextFetch::narrow).c_type == SQL_C_CHAR);
}

TEST_CASE("the dialect is guessed from the driver's file or registered name", "[odbc]") {
  using backflow::Dialect;
  using backflow::odbc::guess_dialect;
  CHECK(guess_dialect("Driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so;Server=x") == Dialect::postgres);
  CHECK(guess_dialect("Driver={PostgreSQL Unicode};Server=x") == Dialect::postgres);
  CHECK(guess_dialect("Driver=libsqlite3odbc.so;Database=a.db") == Dialect::sqlite);
  CHECK(guess_dialect("Driver=/usr/lib/x86_64-linux-gnu/odbc/libmaodbc.so;Server=x") == Dialect::mysql);
  CHECK(guess_dialect("Driver={MariaDB Unicode};Server=x") == Dialect::mysql);
  CHECK(guess_dialect("Driver={MySQL ODBC 8.0 Unicode Driver};Server=x") == Dialect::mysql);
  CHECK(guess_dialect("Driver=libmyodbc8w.so") == Dialect::mysql);
  // A DSN hides the driver; an unknown driver is not guessed as anything.
  CHECK_FALSE(guess_dialect("DSN=warehouse"));
  CHECK_FALSE(guess_dialect("Driver={Exotic ODBC};Server=x"));
}

TEST_CASE("a fetch plan says whether a value can outgrow its buffer", "[odbc]") {
  using backflow::ColumnInfo;
  using backflow::ValueType;
  ColumnInfo text;
  text.type = ValueType::Text;
  text.sql_type = SQL_VARCHAR;
  text.size = 255;  // VARCHAR(255): 4 bytes a character and a NUL fit 4,096
  CHECK_FALSE(backflow::odbc::plan_fetch(text, 4096).may_overflow);
  CHECK(backflow::odbc::plan_fetch(text, 4096).bound_bytes == 1021);
  text.size = 65535;  // TEXT
  CHECK(backflow::odbc::plan_fetch(text, 4096).may_overflow);
  text.size = 0;  // unknown
  CHECK(backflow::odbc::plan_fetch(text, 4096).may_overflow);
  ColumnInfo number;
  number.type = ValueType::Int;
  CHECK_FALSE(backflow::odbc::plan_fetch(number, 4096).may_overflow);
  ColumnInfo decimal;
  decimal.type = ValueType::Decimal;
  decimal.size = 38;
  CHECK_FALSE(backflow::odbc::plan_fetch(decimal, 4096).may_overflow);
  decimal.size = 0;
  CHECK(backflow::odbc::plan_fetch(decimal, 4096).may_overflow);
}
