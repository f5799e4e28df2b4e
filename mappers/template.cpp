#include "mappers/template.h"

#include "mappers/mapping_error.h"
#include "common/utf8.h"
#include "mappers/value_rendering.h"

namespace backflow::mappers {

CompiledTemplate CompiledTemplate::compile(std::string_view text, const ColumnResolver& columns,
                                           const std::string& field) {
  CompiledTemplate compiled;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) {
      compiled.parts_.push_back(Part{std::string(text.substr(at)), kLiteral});
      break;
    }
    if (open > at) compiled.parts_.push_back(Part{std::string(text.substr(at, open - at)), kLiteral});
    std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      throw MappingError("field '" + field + "': template \"" + std::string(text) +
                         "\" has '{{' without a closing '}}'");
    }
    std::string name(text::trim_ascii(text.substr(open + 2, close - open - 2)));
    if (name.empty()) {
      throw MappingError("field '" + field + "': template \"" + std::string(text) +
                         "\" has an empty '{{ }}'");
    }
    compiled.parts_.push_back(Part{std::string(), columns.resolve(name, field)});
    at = close + 2;
  }
  return compiled;
}

Value CompiledTemplate::render(const Row& row) const {
  std::string out;
  bool references_column = false;
  bool any_value = false;
  for (const auto& part : parts_) {
    if (part.column == kLiteral) {
      out += part.literal;
      continue;
    }
    references_column = true;
    const Value& value = row[part.column];
    if (value.is_null()) continue;
    any_value = true;
    if (value.type() == ValueType::Text) {
      out += value.as_text();
    } else {
      out += value_to_text(value);
    }
  }
  if (references_column && !any_value) return Value::null();
  return Value::text(std::move(out));
}

std::vector<std::size_t> CompiledTemplate::columns() const {
  std::vector<std::size_t> indexes;
  for (const auto& part : parts_) {
    if (part.column != kLiteral) indexes.push_back(part.column);
  }
  return indexes;
}

}  // namespace backflow::mappers
