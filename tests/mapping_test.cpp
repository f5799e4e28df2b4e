#include <catch2/catch.hpp>

#include "mappers/compiled_mapping.h"
#include "mappers/digest.h"
#include "mappers/json_writer.h"
#include "mappers/mapping_error.h"

using namespace backflow;
using namespace backflow::mappers;

namespace {

std::vector<ColumnInfo> columns(std::initializer_list<std::pair<const char*, ValueType>> list) {
  std::vector<ColumnInfo> out;
  for (const auto& [name, type] : list) {
    ColumnInfo info;
    info.name = name;
    info.type = type;
    out.push_back(info);
  }
  return out;
}

FieldMappingSpec column_field(std::string field, std::string column,
                              std::vector<TransformSpec> transforms = {}) {
  FieldMappingSpec spec;
  spec.field = std::move(field);
  spec.kind = ExpressionKind::Column;
  spec.column = std::move(column);
  spec.transforms = std::move(transforms);
  return spec;
}

FieldMappingSpec template_field(std::string field, std::string text) {
  FieldMappingSpec spec;
  spec.field = std::move(field);
  spec.kind = ExpressionKind::Template;
  spec.template_text = std::move(text);
  return spec;
}

FieldMappingSpec constant_field(std::string field, nlohmann::json value,
                                std::vector<TransformSpec> transforms = {}) {
  FieldMappingSpec spec;
  spec.field = std::move(field);
  spec.kind = ExpressionKind::Constant;
  spec.constant = std::move(value);
  spec.transforms = std::move(transforms);
  return spec;
}

// Maps a one-column row through one transform chain and returns the JSON text.
std::string map_one(Value value, std::vector<TransformSpec> transforms) {
  auto cols = columns({{"v", value.type()}});
  auto mapping = CompiledMapping::compile({column_field("out", "v", std::move(transforms))}, cols);
  auto record = mapping.apply(Row{std::move(value)});
  if (!record.valid()) return "invalid: " + record.invalid_reason;
  return to_json_text(record.fields["out"]);
}

std::string compile_error(const MappingSpec& spec, const std::vector<ColumnInfo>& cols) {
  try {
    CompiledMapping::compile(spec, cols);
  } catch (const MappingError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("columns map with their ODBC types", "[mapping]") {
  auto cols = columns({{"id", ValueType::Int},
                       {"amount", ValueType::Decimal},
                       {"score", ValueType::Double},
                       {"active", ValueType::Bool},
                       {"name", ValueType::Text},
                       {"born", ValueType::Date},
                       {"seen", ValueType::Timestamp},
                       {"seen_tz", ValueType::TimestampTz},
                       {"blob", ValueType::Binary},
                       {"opens_at", ValueType::Time}});
  MappingSpec spec;
  for (const auto& c : cols) spec.push_back(column_field(c.name, c.name));
  auto mapping = CompiledMapping::compile(spec, cols);
  Timestamp stamp{Date{2024, 5, 1}, TimeOfDay{12, 0, 0, 0}};
  Row row{Value::integer(-42),
          Value::decimal("12345678901234567890123456789012345678"),
          Value::real(0.1),
          Value::boolean(true),
          Value::text("Zoë ✓"),
          Value::date(Date{2024, 2, 29}),
          Value::timestamp(stamp),
          Value::timestamp_tz(stamp),
          Value::binary(std::string("\x00\xFFhi", 4)),
          Value::time(TimeOfDay{9, 30, 5, 500000000})};
  auto record = mapping.apply(row);
  REQUIRE(record.valid());
  CHECK(to_json_text(record.fields) ==
        "{\"active\":true,\"amount\":12345678901234567890123456789012345678,\"blob\":\"AP9oaQ==\","
        "\"born\":\"2024-02-29\",\"id\":-42,\"name\":\"Zoë ✓\",\"opens_at\":\"09:30:05.5\","
        "\"score\":0.1,\"seen\":\"2024-05-01T12:00:00\",\"seen_tz\":\"2024-05-01T12:00:00Z\"}");
  // The output parses back as JSON, and the decimal is a number, not a string.
  auto parsed = nlohmann::json::parse(to_json_text(record.fields));
  CHECK(parsed["amount"].is_number());
}

TEST_CASE("exact decimals keep every digit, including negative and fractional ones", "[mapping]") {
  CHECK(map_one(Value::decimal("-0.00000000000000000000000000000000000001"), {}) ==
        "-0.00000000000000000000000000000000000001");
  CHECK(map_one(Value::decimal("99999999999999999999999999999999999999"), {}) ==
        "99999999999999999999999999999999999999");
  CHECK(map_one(Value::decimal("1.50"), {}) == "1.50");
  CHECK(map_one(Value::text("123456789012345678901234567890.12345678"), {{"to_number", ""}}) ==
        "123456789012345678901234567890.12345678");
}

TEST_CASE("NULL columns map to JSON null and pass through every transform", "[mapping]") {
  for (const char* name : {"trim", "lower", "upper", "sha256", "to_string", "to_number", "to_bool"}) {
    CHECK(map_one(Value::null(), {{name, ""}}) == "null");
  }
  CHECK(map_one(Value::null(), {{"date_format", "%Y"}}) == "null");
}

TEST_CASE("text transforms: trim, lower, upper with unicode", "[mapping]") {
  CHECK(map_one(Value::text("  \tAda \n"), {{"trim", ""}}) == "\"Ada\"");
  CHECK(map_one(Value::text("ÉLODIE Ørsted ΣΟΦΙΑ ЖЕНЯ"), {{"lower", ""}}) ==
        "\"élodie ørsted σοφια женя\"");
  CHECK(map_one(Value::text("straße été ŀ"), {{"upper", ""}}) == "\"STRAßE ÉTÉ Ŀ\"");
  CHECK(map_one(Value::text("日本語"), {{"upper", ""}}) == "\"日本語\"");
  CHECK(map_one(Value::integer(5), {{"upper", ""}}) == "\"5\"");
}

TEST_CASE("sha256 hashes the trimmed, lowercased value (known vectors)", "[mapping]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string test_email = "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b";
  CHECK(map_one(Value::text("test@example.com"), {{"sha256", ""}}) == "\"" + test_email + "\"");
  CHECK(map_one(Value::text("  Test@Example.COM "), {{"sha256", ""}}) == "\"" + test_email + "\"");
  CHECK(hmac_sha256_hex("key", "The quick brown fox jumps over the lazy dog") ==
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST_CASE("to_number converts text exactly and rejects what is not a number", "[mapping]") {
  CHECK(map_one(Value::text(" 42 "), {{"to_number", ""}}) == "42");
  CHECK(map_one(Value::text("-7.250"), {{"to_number", ""}}) == "-7.250");
  CHECK(map_one(Value::text("12345678901234567890"), {{"to_number", ""}}) == "12345678901234567890");
  CHECK(map_one(Value::text("1.5e3"), {{"to_number", ""}}) == "1500.0");
  CHECK(map_one(Value::boolean(true), {{"to_number", ""}}) == "1");
  CHECK(map_one(Value::text("abc"), {{"to_number", ""}}) ==
        "invalid: field 'out': to_number cannot convert 'abc'");
  CHECK(map_one(Value::text("1.2.3"), {{"to_number", ""}}).rfind("invalid: ", 0) == 0);
  CHECK(map_one(Value::date(Date{2024, 1, 1}), {{"to_number", ""}}) ==
        "invalid: field 'out': to_number cannot convert date '2024-01-01'");
}

TEST_CASE("to_bool accepts the usual spellings and rejects others", "[mapping]") {
  for (const char* yes : {"true", "TRUE", "Yes", "1", "t", " T "}) {
    CHECK(map_one(Value::text(yes), {{"to_bool", ""}}) == "true");
  }
  for (const char* no : {"false", "No", "0", "f", "F"}) {
    CHECK(map_one(Value::text(no), {{"to_bool", ""}}) == "false");
  }
  CHECK(map_one(Value::integer(1), {{"to_bool", ""}}) == "true");
  CHECK(map_one(Value::text("maybe"), {{"to_bool", ""}}) ==
        "invalid: field 'out': to_bool cannot convert 'maybe'");
  CHECK(map_one(Value::integer(7), {{"to_bool", ""}}).rfind("invalid: ", 0) == 0);
}

TEST_CASE("to_string and date_format render values as text", "[mapping]") {
  Timestamp stamp{Date{2024, 5, 1}, TimeOfDay{13, 4, 5, 123456000}};
  CHECK(map_one(Value::integer(7), {{"to_string", ""}}) == "\"7\"");
  CHECK(map_one(Value::decimal("0.10"), {{"to_string", ""}}) == "\"0.10\"");
  CHECK(map_one(Value::boolean(false), {{"to_string", ""}}) == "\"false\"");
  CHECK(map_one(Value::timestamp_tz(stamp), {{"to_string", ""}}) == "\"2024-05-01T13:04:05.123456Z\"");
  CHECK(map_one(Value::timestamp_tz(stamp), {{"date_format", "%d/%m/%Y %H:%M:%S.%f %Z"}}) ==
        "\"01/05/2024 13:04:05.123456 UTC\"");
  CHECK(map_one(Value::date(Date{2024, 5, 1}), {{"date_format", "%A %e %B %y, day %j"}}) ==
        "\"Wednesday  1 May 24, day 122\"");
  CHECK(map_one(Value::timestamp(stamp), {{"date_format", "%I:%M %p %s"}}) == "\"01:04 PM 1714568645\"");
  CHECK(map_one(Value::text("2024-05-01T13:04:05Z"), {{"date_format", "%F %T"}}) ==
        "\"2024-05-01 13:04:05\"");
  CHECK(map_one(Value::text("yesterday"), {{"date_format", "%F"}}) ==
        "invalid: field 'out': date_format cannot read 'yesterday' as a date");
  CHECK(map_one(Value::integer(3), {{"date_format", "%F"}}).rfind("invalid: ", 0) == 0);
}

TEST_CASE("transforms chain left to right", "[mapping]") {
  CHECK(map_one(Value::text("  Yes "), {{"trim", ""}, {"to_bool", ""}, {"to_string", ""}, {"upper", ""}}) ==
        "\"TRUE\"");
  CHECK(map_one(Value::text(" 0042 "), {{"to_number", ""}, {"to_string", ""}}) == "\"42\"");
}

TEST_CASE("templates render columns with NULLs as empty, all-NULL as null", "[mapping]") {
  auto cols = columns({{"first_name", ValueType::Text}, {"last_name", ValueType::Text}, {"age", ValueType::Int}});
  auto mapping = CompiledMapping::compile(
      {template_field("full_name", "{{first_name}} {{   last_name }}"),
       template_field("label", "{{ first_name }} ({{ age }})"),
       template_field("fixed", "no columns here")},
      cols);
  auto both = mapping.apply({Value::text("Ada"), Value::text("Lovelace"), Value::integer(36)});
  CHECK(both.fields["full_name"] == "Ada Lovelace");
  CHECK(both.fields["label"] == "Ada (36)");
  CHECK(both.fields["fixed"] == "no columns here");
  auto one = mapping.apply({Value::null(), Value::text("Lovelace"), Value::null()});
  CHECK(one.fields["full_name"] == " Lovelace");
  CHECK(one.fields["label"].is_null());
  auto none = mapping.apply({Value::null(), Value::null(), Value::null()});
  CHECK(none.fields["full_name"].is_null());
}

TEST_CASE("constants are any JSON scalar, transformed once", "[mapping]") {
  auto cols = columns({{"id", ValueType::Int}});
  auto mapping = CompiledMapping::compile(
      {constant_field("stage", "customer"), constant_field("n", 3), constant_field("ok", true),
       constant_field("none", nullptr), constant_field("pi", 3.5),
       constant_field("shout", "hey", {{"upper", ""}})},
      cols);
  auto record = mapping.apply({Value::integer(1)});
  CHECK(to_json_text(record.fields) ==
        "{\"n\":3,\"none\":null,\"ok\":true,\"pi\":3.5,\"shout\":\"HEY\",\"stage\":\"customer\"}");
  CHECK(compile_error({constant_field("x", nlohmann::json::array({1}))}, cols).find("field 'x'") !=
        std::string::npos);
  CHECK(compile_error({constant_field("x", "abc", {{"to_number", ""}})}, cols) ==
        "field 'x': constant \"abc\": to_number cannot convert 'abc'");
}

TEST_CASE("nested field paths build nested objects", "[mapping]") {
  auto cols = columns({{"city", ValueType::Text}, {"zip", ValueType::Text}, {"id", ValueType::Int}});
  auto mapping = CompiledMapping::compile(
      {column_field("address.city", "city"), column_field("address.postal.code", "zip"),
       column_field("id", "id")},
      cols);
  auto record = mapping.apply({Value::text("Paris"), Value::text("75001"), Value::integer(9)});
  CHECK(to_json_text(record.fields) ==
        "{\"address\":{\"city\":\"Paris\",\"postal\":{\"code\":\"75001\"}},\"id\":9}");
}

TEST_CASE("mapping compile errors name the field and suggest the nearest column", "[mapping]") {
  auto cols = columns({{"email", ValueType::Text}, {"first_name", ValueType::Text}});
  CHECK(compile_error({column_field("mail", "emial")}, cols) ==
        "field 'mail': unknown column 'emial' (did you mean 'email'?)");
  CHECK(compile_error({column_field("x", "zzzzzzzz")}, cols) == "field 'x': unknown column 'zzzzzzzz'");
  CHECK(compile_error({template_field("n", "{{ frist_name }}")}, cols) ==
        "field 'n': unknown column 'frist_name' (did you mean 'first_name'?)");
  CHECK(compile_error({template_field("n", "{{ first_name ")}, cols).find("without a closing") !=
        std::string::npos);
  CHECK(compile_error({template_field("n", "{{ }}")}, cols).find("empty") != std::string::npos);
  CHECK(compile_error({column_field("a", "email"), column_field("a.b", "email")}, cols) ==
        "fields 'a' and 'a.b' conflict: 'a' cannot be both a value and an object");
  CHECK(compile_error({column_field("a.b", "email"), column_field("a", "email")}, cols) ==
        "fields 'a' and 'a.b' conflict: 'a' cannot be both a value and an object");
  CHECK(compile_error({column_field("a", "email"), column_field("a", "first_name")}, cols) ==
        "field 'a' is mapped twice");
  CHECK(compile_error({column_field("a..b", "email")}, cols).find("empty name") != std::string::npos);
  CHECK(compile_error({column_field("a", "email", {{"sha265", ""}})}, cols) ==
        "field 'a': unknown transform 'sha265' (did you mean 'sha256'?)");
  CHECK(compile_error({column_field("a", "email", {{"date_format", "%Q"}})}, cols).find("'%Q'") !=
        std::string::npos);
  // Column names match case-insensitively when the match is unique.
  CHECK(compile_error({column_field("a", "EMAIL")}, cols) == "no error");
}

TEST_CASE("a bad value makes only its record invalid", "[mapping]") {
  auto cols = columns({{"age", ValueType::Text}});
  auto mapping = CompiledMapping::compile({column_field("age", "age", {{"to_number", ""}})}, cols);
  CHECK_FALSE(mapping.apply({Value::text("abc")}).valid());
  CHECK(mapping.apply({Value::text("31")}).fields["age"] == 31);
  CHECK(map_one(Value::real(std::numeric_limits<double>::quiet_NaN()), {}) ==
        "invalid: field 'out': value NaN has no JSON representation");
}

TEST_CASE("invalid UTF-8 in text is repaired, never emitted raw", "[mapping]") {
  CHECK(map_one(Value::text("a\xFF" "b"), {}) == "\"a\xEF\xBF\xBD" "b\"");
  CHECK(map_one(Value::text("quote\" back\\ nl\n"), {}) == "\"quote\\\" back\\\\ nl\\n\"");
}

TEST_CASE("changed-fields mapping emits only the selected fields", "[mapping]") {
  auto cols = columns({{"a", ValueType::Int}, {"b", ValueType::Int}});
  auto mapping = CompiledMapping::compile({column_field("x", "a"), column_field("y", "b")}, cols);
  auto record = mapping.apply({Value::integer(1), Value::integer(2)}, {false, true});
  CHECK(to_json_text(record.fields) == "{\"y\":2}");
  CHECK(mapping.field_columns(1) == std::vector<std::size_t>{1});
}
