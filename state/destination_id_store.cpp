#include "state/destination_id_store.h"

#include "state/key_codec.h"

namespace backflow::state {
namespace {

std::string id_key(const std::string& sync, const std::string& record_key) {
  std::string key = "destid/";
  append_segment(key, sync);
  append_segment(key, record_key);
  return key;
}

}  // namespace

DestinationIdStore::DestinationIdStore(StateDb& db) : db_(db) {}

std::optional<std::string> DestinationIdStore::find(const std::string& sync, const std::string& record_key) const {
  return db_.get(id_key(sync, record_key));
}

// Not synced: a killed process keeps them (RocksDB's log is already in the
// OS's buffers); a machine crash may lose the last few, which the next
// upsert of those records learns again.
void DestinationIdStore::remember(const std::string& sync, const std::string& record_key,
                                  const std::string& destination_id) {
  db_.put(id_key(sync, record_key), destination_id, /*durable=*/false);
}

void DestinationIdStore::forget(const std::string& sync, const std::string& record_key) {
  rocksdb::WriteBatch batch;
  batch.Delete(id_key(sync, record_key));
  db_.write(batch, /*durable=*/false);
}

}  // namespace backflow::state
