// A mapping checked against the model's columns once per run (column indexes
// resolved, templates parsed, transforms and constants prepared) and then
// applied to every row without re-parsing.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/row_source.h"
#include "model/value.h"
#include "mappers/mapping_spec.h"
#include "mappers/template.h"
#include "mappers/transform.h"

namespace backflow::mappers {

// The result of mapping one row: a record, or `invalid` with a reason such as
// "field 'age': to_number cannot convert 'abc'". Serialise `fields` with
// write_json() (exact decimals, see mappers/exact_number.h).
struct MappedRecord {
  nlohmann::json fields = nlohmann::json::object();
  std::string invalid_reason;  // empty when the record is valid

  bool valid() const { return invalid_reason.empty(); }
};

class CompiledMapping {
 public:
  // Throws MappingError for anything in `spec` that cannot work with
  // `columns`: unknown column (nearest suggested), bad template, conflicting or
  // empty field paths, unknown transform, non-scalar constant, a constant its
  // transforms cannot convert. Does not keep references to its arguments.
  static CompiledMapping compile(const MappingSpec& spec, const std::vector<ColumnInfo>& columns);

  // Maps a row (row.size() == the compiled columns' size). Never throws for
  // bad data: a value that cannot be converted makes the record invalid.
  MappedRecord apply(const Row& row) const;

  // Same, with only the fields i where include[i] (include.size() ==
  // field_count()); for diff.send: changed_fields.
  MappedRecord apply(const Row& row, const std::vector<bool>& include) const;

  std::size_t field_count() const { return fields_.size(); }
  const std::string& field_name(std::size_t i) const { return fields_[i].name; }
  // The column indexes field i reads (empty for a constant).
  const std::vector<std::size_t>& field_columns(std::size_t i) const { return fields_[i].columns; }

 private:
  struct Field {
    std::string name;
    std::vector<std::string> path;
    ExpressionKind kind = ExpressionKind::Column;
    std::vector<std::size_t> columns;
    nlohmann::json constant;  // final JSON of a Constant, transforms applied
    std::vector<CompiledTemplate> templ;  // one element for a Template
    std::vector<Transform> transforms;
  };

  nlohmann::json evaluate(const Field& field, const Row& row) const;

  std::vector<Field> fields_;
};

}  // namespace backflow::mappers
