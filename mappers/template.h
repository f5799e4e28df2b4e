// A `{{ column }}` template compiled against the model's columns. Text outside
// the braces is kept verbatim; whitespace inside the braces is ignored.
//
// NULL handling: a NULL column renders as "", except that when every column
// the template references is NULL the result is NULL (JSON null), so an
// all-empty "{{ first_name }} {{ last_name }}" does not send " ". A template
// without any column reference is a constant string.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/value.h"
#include "mappers/column_resolver.h"

namespace backflow::mappers {

class CompiledTemplate {
 public:
  // Throws MappingError naming `field` for an unterminated "{{", an empty
  // "{{ }}", or an unknown column (nearest column suggested).
  static CompiledTemplate compile(std::string_view text, const ColumnResolver& columns,
                                  const std::string& field);

  // The rendered text (a Text value), or NULL as documented above.
  Value render(const Row& row) const;

  // Column indexes the template reads, in order of appearance.
  std::vector<std::size_t> columns() const;

 private:
  struct Part {
    std::string literal;                          // used when column == kLiteral
    std::size_t column = static_cast<std::size_t>(-1);
  };
  static constexpr std::size_t kLiteral = static_cast<std::size_t>(-1);
  std::vector<Part> parts_;
};

}  // namespace backflow::mappers
