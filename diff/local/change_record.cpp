#include "diff/local/change_record.h"

#include <stdexcept>

#include "model/row_codec.h"

namespace backflow::diff::local {

void encode_change_record(ChangeOp op, std::size_t column_count, const std::vector<std::size_t>& changed_columns,
                          std::string_view encoded_row, std::string& out) {
  out.assign(1, static_cast<char>(op));
  out.append(column_count, '\0');
  for (std::size_t i : changed_columns) out[1 + i] = '\1';
  out.append(encoded_row.data(), encoded_row.size());
}

void decode_change_record(std::string_view bytes, std::size_t column_count, Change& change) {
  if (bytes.size() < 1 + column_count || static_cast<unsigned char>(bytes[0]) > 2) {
    throw std::runtime_error("snapshot store: malformed change record");
  }
  change.op = static_cast<ChangeOp>(bytes[0]);
  change.changed_columns.clear();
  for (std::size_t i = 0; i < column_count; ++i) {
    if (bytes[1 + i] != '\0') change.changed_columns.push_back(i);
  }
  change.row = decode_row(bytes.substr(1 + column_count));
}

}  // namespace backflow::diff::local
