#include "mappers/value_rendering.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <type_traits>

#include "mappers/digest.h"
#include "mappers/exact_number.h"
#include "mappers/mapping_error.h"
#include "mappers/utf8.h"

namespace backflow::mappers {

namespace {

std::string format_double(double number) {
  if (!std::isfinite(number)) {
    throw ConversionError(std::string("value ") + (std::isnan(number) ? "NaN" : "Infinity") +
                          " has no JSON representation");
  }
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  return std::string(buffer, result.ptr);
}

}  // namespace

nlohmann::json value_to_json(const Value& value) {
  switch (value.type()) {
    case ValueType::Null: return nullptr;
    case ValueType::Bool: return value.as_bool();
    case ValueType::Int: return value.as_int();
    case ValueType::Decimal: {
      auto canonical = canonical_decimal(value.as_decimal());
      if (!canonical) throw ConversionError("decimal '" + value.as_decimal() + "' is not a number");
      return exact_number(*canonical);
    }
    case ValueType::Double:
      format_double(value.as_double());  // rejects NaN/Infinity
      return value.as_double();
    case ValueType::Text:
      if (is_valid_utf8(value.as_text())) return value.as_text();
      return repair_utf8(value.as_text());
    default: return value_to_text(value);
  }
}

std::string value_to_text(const Value& value) {
  switch (value.type()) {
    case ValueType::Null: return {};
    case ValueType::Double: return format_double(value.as_double());
    case ValueType::Decimal: {
      auto canonical = canonical_decimal(value.as_decimal());
      return canonical ? *canonical : value.as_decimal();
    }
    case ValueType::Binary: return base64_encode(value.as_binary());
    default: return value.to_display();  // ISO 8601 for dates and times, as documented
  }
}

}  // namespace backflow::mappers
