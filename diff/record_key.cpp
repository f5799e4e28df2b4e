#include "diff/record_key.h"

namespace backflow::diff {

std::string key_id(const Row& key_values) {
  if (key_values.size() == 1) return key_values.front().to_display();
  std::string id;
  for (std::size_t i = 0; i < key_values.size(); ++i) {
    if (i > 0) id += ',';
    for (char c : key_values[i].to_display()) {
      if (c == ',' || c == '\\') id += '\\';
      id += c;
    }
  }
  return id;
}

RecordKey make_record_key(Row key_values) {
  std::string id = key_id(key_values);
  return RecordKey{std::move(key_values), std::move(id)};
}

}  // namespace backflow::diff
