// What one diff run compares: which sync, which columns identify a record and
// which columns count as its content.
#pragma once

#include <string>
#include <vector>

#include "model/value.h"

namespace backflow::diff {

struct DiffSpec {
  // Names the snapshot state; one committed snapshot per sync name.
  std::string sync_name;
  // Model columns that identify a record (several for a composite key).
  std::vector<std::string> primary_key;
  // Model columns whose values count: a change elsewhere is not a change.
  // Change::row holds these columns in this order.
  std::vector<std::string> mapped_columns;
  // Diff against an empty snapshot: everything is `added`, nothing is
  // `removed`, and the committed snapshot stays in force until commit.
  bool full_resync = false;
  // Typed key values (one Row per key, in primary_key order) of records that
  // failed before and are due for retry: each is emitted again even when its
  // row did not change (`changed` with the current row, or `removed` if gone
  // but still committed).
  std::vector<Row> retry_keys;
};

}  // namespace backflow::diff
