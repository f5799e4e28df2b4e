#include "diff/local/sync_meta.h"

#include <stdexcept>

#include "model/row_codec.h"

namespace backflow::diff::local {

namespace {

void put_names(const std::vector<std::string>& names, Row& row) {
  row.push_back(Value::integer(static_cast<std::int64_t>(names.size())));
  for (const auto& n : names) row.push_back(Value::text(n));
}

std::vector<std::string> get_names(const Row& row, std::size_t& pos) {
  if (pos >= row.size() || row[pos].type() != ValueType::Int) throw std::runtime_error("sync meta: malformed");
  auto n = static_cast<std::size_t>(row[pos++].as_int());
  if (pos + n > row.size()) throw std::runtime_error("sync meta: malformed");
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) names.push_back(row[pos++].as_text());
  return names;
}

}  // namespace

std::string encode_sync_meta(const SyncMeta& meta) {
  Row row{Value::integer(static_cast<std::int64_t>(meta.committed_generation))};
  put_names(meta.primary_key, row);
  put_names(meta.mapped_columns, row);
  std::string out;
  encode_row(row, out);
  return out;
}

SyncMeta decode_sync_meta(const std::string& bytes) {
  Row row = decode_row(bytes);
  if (row.empty() || row[0].type() != ValueType::Int) throw std::runtime_error("sync meta: malformed");
  SyncMeta meta;
  meta.committed_generation = static_cast<std::uint64_t>(row[0].as_int());
  std::size_t pos = 1;
  meta.primary_key = get_names(row, pos);
  meta.mapped_columns = get_names(row, pos);
  return meta;
}

}  // namespace backflow::diff::local
