#include "mappers/transform.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "mappers/digest.h"
#include "mappers/exact_number.h"
#include "mappers/mapping_error.h"
#include "common/suggest.h"
#include "common/utf8.h"
#include "mappers/value_rendering.h"

namespace backflow::mappers {

namespace {

std::string text_of(const Value& value) {
  return value.type() == ValueType::Text ? value.as_text() : value_to_text(value);
}

Value to_number(const Value& value) {
  switch (value.type()) {
    case ValueType::Int:
    case ValueType::Decimal:
    case ValueType::Double: return value;
    case ValueType::Bool: return Value::integer(value.as_bool() ? 1 : 0);
    case ValueType::Text: break;
    default:
      throw ConversionError("to_number cannot convert " + std::string(to_string(value.type())) +
                            " '" + value.to_display() + "'");
  }
  std::string_view text = text::trim_ascii(value.as_text());
  if (auto decimal = canonical_decimal(text)) {
    if (decimal->find('.') == std::string::npos) {
      std::int64_t integer = 0;
      auto result = std::from_chars(decimal->data(), decimal->data() + decimal->size(), integer);
      if (result.ec == std::errc() && result.ptr == decimal->data() + decimal->size()) {
        return Value::integer(integer);
      }
    }
    return Value::decimal(*decimal);
  }
  if (text.find_first_of("eE") != std::string_view::npos) {
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    double number = 0;
    auto result = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (result.ec == std::errc() && result.ptr == digits.data() + digits.size() &&
        std::isfinite(number)) {
      return Value::real(number);
    }
  }
  throw ConversionError("to_number cannot convert '" + value.as_text() + "'");
}

Value to_bool(const Value& value) {
  switch (value.type()) {
    case ValueType::Bool: return value;
    case ValueType::Int:
      if (value.as_int() == 0 || value.as_int() == 1) return Value::boolean(value.as_int() == 1);
      break;
    case ValueType::Double:
      if (value.as_double() == 0.0 || value.as_double() == 1.0) {
        return Value::boolean(value.as_double() == 1.0);
      }
      break;
    case ValueType::Decimal:
    case ValueType::Text: {
      std::string word = text::to_lower_utf8(text::trim_ascii(text_of(value)));
      if (value.type() == ValueType::Decimal) {
        if (auto number = to_number(value); number.type() == ValueType::Int) word = number.to_display();
      }
      if (word == "true" || word == "t" || word == "yes" || word == "y" || word == "1") {
        return Value::boolean(true);
      }
      if (word == "false" || word == "f" || word == "no" || word == "n" || word == "0") {
        return Value::boolean(false);
      }
      break;
    }
    default: break;
  }
  throw ConversionError("to_bool cannot convert '" + value_to_text(value) + "'");
}

}  // namespace

const std::vector<std::string>& Transform::names() {
  static const std::vector<std::string> kNames = {"trim",      "lower",     "upper",
                                                  "sha256",    "to_string", "to_number",
                                                  "to_bool",   "date_format"};
  return kNames;
}

Transform Transform::compile(const TransformSpec& spec, const std::string& field) {
  static const Kind kKinds[] = {Kind::Trim,     Kind::Lower,    Kind::Upper,  Kind::Sha256,
                                Kind::ToString, Kind::ToNumber, Kind::ToBool, Kind::DateFormat};
  const auto& known = names();
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (known[i] != spec.name) continue;
    Transform transform(kKinds[i]);
    if (transform.kind_ == Kind::DateFormat) {
      if (spec.argument.empty()) {
        throw MappingError("field '" + field + "': date_format needs a pattern, e.g. \"%Y-%m-%d\"");
      }
      try {
        transform.date_format_.emplace(spec.argument);
      } catch (const MappingError& e) {
        throw MappingError("field '" + field + "': " + e.what());
      }
    } else if (!spec.argument.empty()) {
      throw MappingError("field '" + field + "': transform '" + spec.name + "' takes no argument");
    }
    return transform;
  }
  throw MappingError("field '" + field + "': unknown transform '" + spec.name + "'" +
                     text::did_you_mean(spec.name, known));
}

Value Transform::apply(Value input) const {
  if (input.is_null()) return input;
  switch (kind_) {
    case Kind::Trim: return Value::text(std::string(text::trim_ascii(text_of(input))));
    case Kind::Lower: return Value::text(text::to_lower_utf8(text_of(input)));
    case Kind::Upper: return Value::text(text::to_upper_utf8(text_of(input)));
    case Kind::Sha256:
      return Value::text(sha256_hex(text::to_lower_utf8(text::trim_ascii(text_of(input)))));
    case Kind::ToString: return Value::text(text_of(input));
    case Kind::ToNumber: return to_number(input);
    case Kind::ToBool: return to_bool(input);
    case Kind::DateFormat: return Value::text(date_format_->format(input));
  }
  return input;
}

}  // namespace backflow::mappers
