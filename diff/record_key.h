// A record's identity: the typed values of its primary key columns and a
// canonical id string derived from them (used to name the record in state,
// logs, the API and retry lists).
#pragma once

#include <string>

#include "model/value.h"

namespace backflow::diff {

struct RecordKey {
  Row values;      // in DiffSpec::primary_key order, never NULL
  std::string id;  // key_id(values)
  bool operator==(const RecordKey&) const = default;
};

// Canonical id: the display text of each value ("7", "2024-05-01", hex for
// binary), joined by ',' for composite keys with '\' escaping ',' and '\'.
// Injective as long as each key column keeps its type.
std::string key_id(const Row& key_values);

RecordKey make_record_key(Row key_values);

}  // namespace backflow::diff
