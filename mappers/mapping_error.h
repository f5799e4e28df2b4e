// The mapping in the config does not fit the model: unknown column, bad
// template, conflicting field paths, unknown transform. Thrown by
// compile_mapping(); the message names the field and, where one is close, the
// nearest existing column or transform.
#pragma once

#include <stdexcept>
#include <string>

namespace backflow::mappers {

class MappingError : public std::runtime_error {
 public:
  explicit MappingError(const std::string& message) : std::runtime_error(message) {}
};

// A value that cannot be converted while mapping one row. Caught per record by
// CompiledMapping::apply() and turned into an `invalid` outcome; the message is
// completed with the field name there.
class ConversionError : public std::runtime_error {
 public:
  explicit ConversionError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace backflow::mappers
