#include "diff/local/local_diff_engine.h"

#include "diff/diff_error.h"
#include "diff/invalid_rows.h"
#include "diff/local/local_pending_snapshot.h"
#include "diff/local/snapshot_entry.h"
#include "diff/local/snapshot_keys.h"
#include "diff/local/sync_meta.h"
#include "diff/model_columns.h"
#include "diff/row_codec.h"
#include "diff/row_hash.h"

namespace backflow::diff::local {

namespace {

constexpr std::size_t kBatchBytes = 4 << 20;

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

SyncMeta load_meta(SnapshotStore& store, const SnapshotKeys& keys, const std::string& sync_name) {
  std::string bytes;
  rocksdb::Status status = store.db().Get(rocksdb::ReadOptions(), keys.meta(), &bytes);
  if (status.IsNotFound()) return SyncMeta{};
  store.check(status, "reading the snapshot state of sync '" + sync_name + "'");
  return decode_sync_meta(bytes);
}

// Whatever is not the committed generation was left by an interrupted run.
void remove_uncommitted_generations(SnapshotStore& store, const SnapshotKeys& keys, std::uint64_t committed) {
  rocksdb::DB& db = store.db();
  auto* cf = db.DefaultColumnFamily();
  std::string end = committed == 0 ? keys.generations_end() : keys.generation_begin(committed);
  store.check(db.DeleteRange(rocksdb::WriteOptions(), cf, keys.generation_begin(0), end),
              "removing an interrupted snapshot");
  if (committed != 0) {
    store.check(db.DeleteRange(rocksdb::WriteOptions(), cf, keys.generation_begin(committed + 1),
                               keys.generations_end()),
                "removing an interrupted snapshot");
  }
  store.check(db.DeleteRange(rocksdb::WriteOptions(), cf, keys.changes_begin(), keys.changes_end()),
              "removing the changes of an interrupted run");
}

// Snapshot rows skip the WAL: an uncommitted generation is worthless after
// a crash, and the commit flushes the memtable before its synced write.
rocksdb::WriteOptions bulk_write_options() {
  rocksdb::WriteOptions options;
  options.disableWAL = true;
  return options;
}

}  // namespace

std::unique_ptr<PendingSnapshot> LocalDiffEngine::diff(const DiffSpec& spec, RowSource& model) {
  SnapshotKeys keys(spec.sync_name);
  SyncMeta committed = load_meta(*store_, keys, spec.sync_name);
  if (committed.committed_generation != 0 && !spec.full_resync && committed.primary_key != spec.primary_key) {
    throw DiffError(spec.sync_name, "primary key changed from (" + join(committed.primary_key) + ") to (" +
                                        join(spec.primary_key) +
                                        ") since the last committed snapshot; run a full resync");
  }
  ModelColumns columns = resolve_model_columns(spec, model.columns());
  remove_uncommitted_generations(*store_, keys, committed.committed_generation);

  const std::uint64_t generation = committed.committed_generation + 1;
  rocksdb::DB& db = store_->db();
  InvalidRows invalid;
  std::uint64_t rows_read = 0;
  try {
    rocksdb::WriteBatch batch;
    Row row, key(columns.key.size()), mapped(columns.mapped.size());
    std::string encoded_key, encoded_row, entry;
    while (model.next(row)) {
      ++rows_read;
      for (std::size_t i = 0; i < columns.mapped.size(); ++i) mapped[i] = row[columns.mapped[i]];
      const std::string* null_column = nullptr;
      for (std::size_t i = 0; i < columns.key.size(); ++i) {
        key[i] = row[columns.key[i]];
        if (key[i].is_null() && !null_column) null_column = &spec.primary_key[i];
      }
      if (null_column) {
        invalid.add_null_key(*null_column, mapped);
        continue;
      }
      RowHashes hashes = hash_row(mapped, encoded_row);
      encoded_key.clear();
      encode_row(key, encoded_key);
      encode_snapshot_entry(hashes, encoded_row, entry);
      // rows_read (>= 1) as sequence: duplicates stay distinct and adjacent.
      batch.Put(keys.entry(generation, encoded_key, rows_read), entry);
      if (batch.GetDataSize() > kBatchBytes) {
        store_->check(db.Write(bulk_write_options(), &batch), "writing snapshot");
        batch.Clear();
      }
    }
    store_->check(db.Write(bulk_write_options(), &batch), "writing snapshot");
  } catch (...) {
    db.DeleteRange(rocksdb::WriteOptions(), db.DefaultColumnFamily(), keys.generation_begin(generation),
                   keys.generation_begin(generation + 1));
    throw;
  }
  return std::make_unique<LocalPendingSnapshot>(store_, spec, std::move(committed), generation, rows_read,
                                                std::move(invalid));
}

}  // namespace backflow::diff::local
