// One compiled step of a field's transform chain. Every transform maps NULL to
// NULL; otherwise:
//   trim       text without leading/trailing ASCII whitespace
//   lower      lowercase (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic)
//   upper      uppercase (same coverage)
//   sha256     hex SHA-256 of the normalised text (trimmed, lowercased), the
//              form ad platforms expect for audience matching
//   to_string  the value's text rendering (mappers/value_rendering.h)
//   to_number  text -> int when it fits int64, exact decimal when it has a
//              fraction or more digits, double when it has an exponent;
//              bool -> 1/0; numbers unchanged
//   to_bool    text true/false/yes/no/1/0/t/f/y/n (case-insensitive, trimmed),
//              numbers 1/0, bools unchanged
//   date_format(pattern)  see mappers/date_format.h
// trim/lower/upper/sha256 applied to a non-text value work on its text
// rendering. A value a transform cannot convert throws ConversionError.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/value.h"
#include "mappers/date_format.h"
#include "mappers/mapping_spec.h"

namespace backflow::mappers {

class Transform {
 public:
  enum class Kind { Trim, Lower, Upper, Sha256, ToString, ToNumber, ToBool, DateFormat };

  // Throws MappingError for an unknown name (with the nearest known name) or a
  // bad argument; `field` names the field in the message.
  static Transform compile(const TransformSpec& spec, const std::string& field);

  // The names compile() accepts.
  static const std::vector<std::string>& names();

  Value apply(Value input) const;

 private:
  explicit Transform(Kind kind) : kind_(kind) {}
  Kind kind_;
  std::optional<mappers::DateFormat> date_format_;
};

}  // namespace backflow::mappers
