// Finds the key and mapped columns of a DiffSpec among a model's result
// columns, with an error naming what is missing and listing what exists.
#pragma once

#include <cstddef>
#include <vector>

#include "diff/diff_spec.h"
#include "model/row_source.h"

namespace backflow::diff {

struct ModelColumns {
  std::vector<std::size_t> key;     // result column index per primary key column
  std::vector<std::size_t> mapped;  // result column index per mapped column
};

// Matches names exactly, else case-insensitively when that is unambiguous
// (warehouses fold unquoted identifiers). Throws DiffError such as
// "primary key column 'id' is not in the model (columns: a, b)".
ModelColumns resolve_model_columns(const DiffSpec& spec, const std::vector<ColumnInfo>& columns);

}  // namespace backflow::diff
