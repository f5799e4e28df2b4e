// The input of the mapper: what the config says each destination field is made
// of. Plain data; the config loader parses `mapping:` straight into it,
// CompiledMapping::compile() checks it against the model's columns.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/source_location.h"

namespace backflow::mappers {

enum class ExpressionKind { Column, Constant, Template };

// One step of a transform chain: "trim", "lower", "upper", "sha256",
// "to_string", "to_number", "to_bool", or "date_format" with its strftime-like
// pattern as the argument.
struct TransformSpec {
  std::string name;
  std::string argument;
};

// One destination field. `field` is a path: "address.city" builds nested
// objects. Only the member named by `kind` is read.
struct FieldMappingSpec {
  std::string field;
  ExpressionKind kind = ExpressionKind::Column;
  std::string column;              // Column: the model column's name
  nlohmann::json constant;         // Constant: any JSON scalar (string, number, bool, null)
  std::string template_text;       // Template: "{{ first_name }} {{ last_name }}"
  std::vector<TransformSpec> transforms;  // applied in order
  SourceLocation location;                 // of the field's key in the config, for messages
};

// Fields in the order the config lists them (records themselves sort keys).
using MappingSpec = std::vector<FieldMappingSpec>;

}  // namespace backflow::mappers
