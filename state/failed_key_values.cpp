#include "state/failed_key_values.h"

#include <rocksdb/write_batch.h>

#include "model/row_codec.h"
#include "state/key_codec.h"

namespace backflow::state {

namespace {

std::string value_key(const std::string& sync, const std::string& key_id) {
  std::string key = "fkey/";
  append_segment(key, sync);
  append_segment(key, key_id);
  return key;
}

}  // namespace

void FailedKeyValues::put(const std::string& sync, const std::string& key_id, const Row& values) {
  std::string encoded;
  diff::encode_row(values, encoded);
  db_.put(value_key(sync, key_id), encoded, /*durable=*/false);
}

std::optional<Row> FailedKeyValues::get(const std::string& sync, const std::string& key_id) const {
  std::optional<std::string> encoded = db_.get(value_key(sync, key_id));
  if (!encoded) return std::nullopt;
  return diff::decode_row(std::string_view(*encoded));
}

void FailedKeyValues::erase(const std::string& sync, const std::string& key_id) {
  rocksdb::WriteBatch batch;
  batch.Delete(value_key(sync, key_id));
  db_.write(batch, /*durable=*/false);
}

}  // namespace backflow::state
