// syncs.<name>.mapping: destination fields and their expressions, parsed but
// not compiled (mappers/ compiles them against the model's columns).
#include "mappers/field_path.h"
#include "service/config/section_parsers.h"

namespace backflow::config {
namespace {

const std::vector<std::string> kExpressionKeys = {"column", "value", "template", "transforms"};
const std::vector<std::string> kTransforms = {"trim",      "lower",     "upper",   "sha256",
                                              "to_string", "to_number", "to_bool", "date_format"};

std::optional<mappers::TransformSpec> parse_transform(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) {
    static const std::vector<std::string> kArgumentTransforms = {"date_format"};
    auto fields = reader.map(node, path, &kArgumentTransforms);
    if (!fields) return std::nullopt;
    if (fields->entries.size() != 1) {
      if (fields->entries.empty())
        reader.error(node, path, "expected a transform such as {date_format: \"%Y-%m-%d\"}, found an empty map");
      return std::nullopt;
    }
    auto format = reader.non_empty_string(fields->entries[0].value, path + ".date_format");
    if (!format) return std::nullopt;
    return mappers::TransformSpec{"date_format", *format};
  }
  auto name = reader.choice(node, path, kTransforms);
  if (!name) return std::nullopt;
  if (*name == "date_format") {
    reader.error(node, path, "date_format needs a format: write {date_format: \"%Y-%m-%d\"}");
    return std::nullopt;
  }
  return mappers::TransformSpec{*name, ""};
}

std::optional<mappers::FieldMappingSpec> parse_expression(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  mappers::FieldMappingSpec expression;  // kind Column unless a value or template is found
  if (node.IsScalar()) {
    if (auto typed = reader.scalar_json(node, path); typed && !typed->is_string()) {
      reader.error(node, path,
                   "expected a column name, found the constant " + typed->dump() + " (write { value: " + typed->dump() +
                       " } for a constant, or quote a column named so)");
      return std::nullopt;
    }
    auto column = reader.non_empty_string(node, path);
    if (!column) return std::nullopt;
    expression.column = *column;
    return expression;
  }
  if (!node.IsMap()) {
    reader.error(node, path,
                 "expected a column name or a map with one of column, value, template; found " + describe(node));
    return std::nullopt;
  }
  auto fields = reader.map(node, path, &kExpressionKeys);
  if (!fields) return std::nullopt;
  int forms = fields->has("column") + fields->has("value") + fields->has("template");
  const bool had_unknown_keys = fields->entries.size() < node.size();
  if (forms == 0 && had_unknown_keys) return std::nullopt;  // the misspelt key is already reported
  if (forms != 1) {
    reader.error(node, path,
                 forms == 0 ? "expected one of column, value, template; found none"
                            : "expected exactly one of column, value, template; found " + std::to_string(forms));
    return std::nullopt;
  }
  bool ok = true;
  if (auto value = fields->get("column")) {
    auto column = reader.non_empty_string(*value, path + ".column");
    ok = column.has_value();
    if (column) expression.column = *column;
  } else if (auto constant = fields->get("value")) {
    expression.kind = mappers::ExpressionKind::Constant;
    auto json = reader.scalar_json(*constant, path + ".value");
    ok = json.has_value();
    if (json) expression.constant = *json;
  } else if (auto text = fields->get("template")) {
    expression.kind = mappers::ExpressionKind::Template;
    auto template_text = reader.non_empty_string(*text, path + ".template");
    ok = template_text.has_value();
    if (template_text) expression.template_text = *template_text;
  }
  if (auto transforms = fields->get("transforms")) {
    const std::string transforms_path = path + ".transforms";
    if (expression.kind == mappers::ExpressionKind::Constant) {
      reader.error(*transforms, transforms_path,
                   "transforms apply to column and template expressions, not to a constant value");
      return std::nullopt;
    }
    if (!transforms->IsSequence()) {
      reader.error(*transforms, transforms_path, "expected a list of transforms, found " + describe(*transforms));
      return std::nullopt;
    }
    for (std::size_t i = 0; i < transforms->size(); ++i) {
      auto transform = parse_transform(reader, (*transforms)[i], transforms_path + "[" + std::to_string(i) + "]");
      if (transform) {
        expression.transforms.push_back(*transform);
      } else {
        ok = false;
      }
    }
  }
  if (!ok) return std::nullopt;
  return expression;
}

}  // namespace

mappers::MappingSpec parse_mapping(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  mappers::MappingSpec mapping;
  auto fields = reader.map(node, path, nullptr);
  if (!fields) return mapping;
  if (fields->entries.empty()) reader.error(node, path, "expected at least one field mapping, found none");
  for (const auto& entry : fields->entries) {
    const std::string field_path = join_path(path, entry.key);
    const std::string& field = entry.key;
    if (field.empty() || field.front() == '.' || field.back() == '.' || field.find("..") != std::string::npos) {
      reader.error(entry.key_node, field_path, "invalid field path " + quote_for_message(field) + ": empty path segment");
      continue;
    }
    // A path that another one extends ("v" and "v.x") would have to be a
    // value and an object at once: refused here rather than at run time.
    bool collides = false;
    for (const auto& earlier : fields->entries) {
      if (&earlier == &entry) break;
      if (earlier.key == field || !mappers::field_paths_collide(earlier.key, field)) continue;
      const std::string& shorter = earlier.key.size() < field.size() ? earlier.key : field;
      reader.error(entry.key_node, field_path,
                   "field " + quote_for_message(field) + " conflicts with field " + quote_for_message(earlier.key) +
                       " (line " + std::to_string(reader.location(earlier.key_node).line) + "): " +
                       quote_for_message(shorter) + " cannot be both a value and an object");
      collides = true;
      break;
    }
    if (collides) continue;
    if (auto expression = parse_expression(reader, entry.value, field_path)) {
      expression->field = field;
      expression->location = reader.location(entry.key_node);
      mapping.push_back(std::move(*expression));
    }
  }
  return mapping;
}

}  // namespace backflow::config
