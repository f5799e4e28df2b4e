#include "mappers/compiled_mapping.h"

#include <limits>

#include "mappers/column_resolver.h"
#include "mappers/field_path.h"
#include "mappers/json_writer.h"
#include "mappers/mapping_error.h"
#include "mappers/value_rendering.h"

namespace backflow::mappers {

namespace {

Value constant_to_value(const nlohmann::json& constant, const std::string& field) {
  switch (constant.type()) {
    case nlohmann::json::value_t::null: return Value::null();
    case nlohmann::json::value_t::boolean: return Value::boolean(constant.get<bool>());
    case nlohmann::json::value_t::number_integer: return Value::integer(constant.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      auto number = constant.get<std::uint64_t>();
      if (number <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Value::integer(static_cast<std::int64_t>(number));
      }
      return Value::decimal(std::to_string(number));
    }
    case nlohmann::json::value_t::number_float: return Value::real(constant.get<double>());
    case nlohmann::json::value_t::string: return Value::text(constant.get<std::string>());
    default:
      throw MappingError("field '" + field + "': a constant must be a string, number, bool or null, not " +
                         to_json_text(constant));
  }
}

}  // namespace

CompiledMapping CompiledMapping::compile(const MappingSpec& spec,
                                         const std::vector<ColumnInfo>& columns) {
  ColumnResolver resolver(columns);
  CompiledMapping mapping;
  std::vector<std::string> paths;
  for (const auto& field_spec : spec) {
    Field field;
    field.name = field_spec.field;
    field.path = split_field_path(field_spec.field);
    field.kind = field_spec.kind;
    for (const auto& transform : field_spec.transforms) {
      field.transforms.push_back(Transform::compile(transform, field.name));
    }
    switch (field.kind) {
      case ExpressionKind::Column:
        if (field_spec.column.empty()) throw MappingError("field '" + field.name + "': no column given");
        field.columns.push_back(resolver.resolve(field_spec.column, field.name));
        break;
      case ExpressionKind::Template:
        field.templ.push_back(CompiledTemplate::compile(field_spec.template_text, resolver, field.name));
        field.columns = field.templ.front().columns();
        break;
      case ExpressionKind::Constant: {
        Value value = constant_to_value(field_spec.constant, field.name);
        try {
          for (const auto& transform : field.transforms) value = transform.apply(std::move(value));
          field.constant = value_to_json(value);
        } catch (const ConversionError& e) {
          throw MappingError("field '" + field.name + "': constant " +
                             to_json_text(field_spec.constant) + ": " + e.what());
        }
        field.transforms.clear();
        break;
      }
    }
    paths.push_back(field.name);
    mapping.fields_.push_back(std::move(field));
  }
  check_field_paths_disjoint(paths);
  return mapping;
}

nlohmann::json CompiledMapping::evaluate(const Field& field, const Row& row) const {
  switch (field.kind) {
    case ExpressionKind::Constant: return field.constant;
    case ExpressionKind::Column:
      if (field.transforms.empty()) return value_to_json(row[field.columns.front()]);
      {
        Value value = row[field.columns.front()];
        for (const auto& transform : field.transforms) value = transform.apply(std::move(value));
        return value_to_json(value);
      }
    case ExpressionKind::Template: {
      Value value = field.templ.front().render(row);
      for (const auto& transform : field.transforms) value = transform.apply(std::move(value));
      return value_to_json(value);
    }
  }
  return nullptr;
}

MappedRecord CompiledMapping::apply(const Row& row) const {
  static const std::vector<bool> kNoFilter;
  return apply(row, kNoFilter);
}

MappedRecord CompiledMapping::apply(const Row& row, const std::vector<bool>& include) const {
  MappedRecord record;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (!include.empty() && !include[i]) continue;
    const Field& field = fields_[i];
    nlohmann::json value;
    try {
      value = evaluate(field, row);
    } catch (const ConversionError& e) {
      record.fields = nlohmann::json::object();
      record.invalid_reason = "field '" + field.name + "': " + e.what();
      return record;
    }
    nlohmann::json* node = &record.fields;
    for (std::size_t k = 0; k + 1 < field.path.size(); ++k) node = &(*node)[field.path[k]];
    (*node)[field.path.back()] = std::move(value);
  }
  return record;
}

}  // namespace backflow::mappers
