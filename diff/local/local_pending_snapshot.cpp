#include "diff/local/local_pending_snapshot.h"

#include <algorithm>
#include <optional>

#include "diff/diff_error.h"
#include "diff/local/generation_cursor.h"
#include "diff/local/snapshot_entry.h"
#include "diff/row_codec.h"

namespace backflow::diff::local {

namespace {

constexpr std::size_t kBatchBytes = 4 << 20;

std::vector<std::size_t> all_columns(std::size_t n) {
  std::vector<std::size_t> all(n);
  for (std::size_t i = 0; i < n; ++i) all[i] = i;
  return all;
}

}  // namespace

LocalPendingSnapshot::LocalPendingSnapshot(std::shared_ptr<SnapshotStore> store, DiffSpec spec, SyncMeta committed,
                                           std::uint64_t current_generation, std::uint64_t rows_read,
                                           InvalidRows invalid)
    : store_(std::move(store)),
      spec_(std::move(spec)),
      committed_(std::move(committed)),
      keys_(spec_.sync_name),
      current_generation_(current_generation),
      invalid_(std::move(invalid)) {
  for (const auto& name : spec_.mapped_columns) {
    auto it = std::find(committed_.mapped_columns.begin(), committed_.mapped_columns.end(), name);
    committed_column_of_.push_back(it == committed_.mapped_columns.end()
                                       ? -1
                                       : static_cast<int>(it - committed_.mapped_columns.begin()));
  }
  for (const Row& key : spec_.retry_keys) {
    std::string encoded;
    encode_row(key, encoded);
    retry_keys_.push_back(std::move(encoded));
  }
  std::sort(retry_keys_.begin(), retry_keys_.end());
  retry_keys_.erase(std::unique(retry_keys_.begin(), retry_keys_.end()), retry_keys_.end());
  counts_.rows_read = rows_read;
  try {
    merge(nullptr);
  } catch (...) {
    store_->db().DeleteRange(rocksdb::WriteOptions(), store_->db().DefaultColumnFamily(),
                             keys_.generation_begin(current_generation_),
                             keys_.generation_begin(current_generation_ + 1));
    throw;
  }
}

LocalPendingSnapshot::~LocalPendingSnapshot() {
  if (finished_) return;
  // Abandoned run: drop the uncommitted generation. If this fails the next
  // run of the sync removes it anyway.
  store_->db().DeleteRange(rocksdb::WriteOptions(), store_->db().DefaultColumnFamily(),
                           keys_.generation_begin(current_generation_),
                           keys_.generation_begin(current_generation_ + 1));
}

std::string LocalPendingSnapshot::carry_over(std::string_view committed_entry) const {
  if (same_layout()) return std::string(committed_entry);
  // The committed entry was hashed with another column list: keep the
  // hashes of columns still mapped, mark the others (and the row hash) as
  // unknown so that the next diff reports the record as changed.
  SnapshotEntryView old = decode_snapshot_entry(committed_entry);
  RowHashes hashes;
  hashes.row = 0;
  for (int old_index : committed_column_of_) {
    bool known = old_index >= 0 && static_cast<std::size_t>(old_index) < old.hashes.columns.size();
    hashes.columns.push_back(known ? old.hashes.columns[static_cast<std::size_t>(old_index)] : 0u);
  }
  std::string out;
  encode_snapshot_entry(hashes, {}, out);
  return out;
}

void LocalPendingSnapshot::merge(const ChangeSink* sink) {
  rocksdb::DB& db = store_->db();
  std::optional<std::uint64_t> committed_generation;
  if (!spec_.full_resync && committed_.committed_generation != 0) {
    committed_generation = committed_.committed_generation;
  }
  GenerationCursor current(db, keys_, current_generation_);
  GenerationCursor committed(db, keys_, committed_generation);
  const std::size_t key_count = spec_.primary_key.size();
  const std::size_t column_count = spec_.mapped_columns.size();
  const bool layout_unchanged = same_layout();

  rocksdb::WriteBatch fixups;
  DiffCounts counts;
  Change change;
  std::string group_key, group_value, committed_value;
  std::vector<Row> duplicate_rows;
  auto retry = retry_keys_.begin();

  auto flush_fixups = [&] {
    if (fixups.Count() == 0) return;
    store_->check(db.Write(rocksdb::WriteOptions(), &fixups), "writing snapshot");
    fixups.Clear();
  };

  while (current.valid() || committed.valid()) {
    int order = !current.valid()     ? 1
                : !committed.valid() ? -1
                                     : current.encoded_key().compare(committed.encoded_key());
    if (order > 0) {
      ++counts.removed;
      if (sink) {
        std::string_view key_bytes = committed.encoded_key();
        change.op = ChangeOp::Removed;
        change.key = make_record_key(decode_row(key_bytes, key_count));
        change.row.clear();
        change.changed_columns.clear();
        (*sink)(change);
      }
      committed.next();
      continue;
    }

    group_key.assign(current.encoded_key());
    group_value.assign(current.value());
    const std::uint64_t seq = current.seq();
    std::uint64_t occurrences = 1;
    duplicate_rows.clear();
    current.next();
    while (current.valid() && current.encoded_key() == group_key) {
      if (occurrences == 1 && invalid_.room() > 0) {
        duplicate_rows.push_back(decode_row(decode_snapshot_entry(group_value).encoded_row));
      }
      if (duplicate_rows.size() < invalid_.room()) {
        duplicate_rows.push_back(decode_row(decode_snapshot_entry(current.value()).encoded_row));
      }
      ++occurrences;
      current.next();
    }
    const bool was_committed = order == 0;
    if (was_committed) {
      committed_value.assign(committed.value());
      committed.next();
    }

    if (seq == 0) continue;  // carried over: invalid in this run, keeps its committed state
    if (occurrences > 1) {
      // Only the first pass sees duplicates; it replaces them by the
      // committed state so that the commit keeps it.
      std::string_view key_bytes = group_key;
      invalid_.add_duplicates(make_record_key(decode_row(key_bytes, key_count)), occurrences, duplicate_rows);
      fixups.DeleteRange(keys_.entry(current_generation_, group_key, 0),
                         keys_.entry_end(current_generation_, group_key));
      if (was_committed) fixups.Put(keys_.entry(current_generation_, group_key, 0), carry_over(committed_value));
      if (fixups.GetDataSize() > kBatchBytes) flush_fixups();
      continue;
    }

    while (retry != retry_keys_.end() && std::string_view(*retry) < std::string_view(group_key)) ++retry;
    const bool retried = retry != retry_keys_.end() && *retry == group_key;

    SnapshotEntryView now = decode_snapshot_entry(group_value);
    ChangeOp op = ChangeOp::Added;
    change.changed_columns.clear();
    if (!was_committed) {
      change.changed_columns = all_columns(column_count);
    } else {
      SnapshotEntryView before = decode_snapshot_entry(committed_value);
      if (!layout_unchanged || now.hashes.row != before.hashes.row) {
        for (std::size_t i = 0; i < column_count; ++i) {
          int j = committed_column_of_[i];
          if (j < 0 || static_cast<std::size_t>(j) >= before.hashes.columns.size() ||
              before.hashes.columns[static_cast<std::size_t>(j)] != now.hashes.columns[i]) {
            change.changed_columns.push_back(i);
          }
        }
        // Equal column hashes under a different row hash: a 32-bit collision
        // or a carried-over entry; send everything rather than miss a change.
        if (change.changed_columns.empty() && layout_unchanged) change.changed_columns = all_columns(column_count);
      }
      if (change.changed_columns.empty()) {
        if (!retried) continue;
        change.changed_columns = all_columns(column_count);
      }
      op = ChangeOp::Changed;
    }
    if (op == ChangeOp::Added) ++counts.added; else ++counts.changed;
    if (sink) {
      std::string_view key_bytes = group_key;
      change.op = op;
      change.key = make_record_key(decode_row(key_bytes, key_count));
      change.row = decode_row(now.encoded_row);
      (*sink)(change);
    }
  }
  current.check_status();
  committed.check_status();
  if (!sink) {
    flush_fixups();
    counts.rows_read = counts_.rows_read;
    counts.invalid = invalid_.count();
    counts_ = counts;
  }
}

void LocalPendingSnapshot::for_each_change(const ChangeSink& sink) {
  if (finished_) throw DiffError(spec_.sync_name, "changes requested after the snapshot was committed");
  merge(&sink);
}

void LocalPendingSnapshot::commit(const std::vector<Row>& excluded_keys) {
  if (finished_) throw DiffError(spec_.sync_name, "snapshot committed twice");
  rocksdb::DB& db = store_->db();
  rocksdb::WriteBatch batch;
  const std::uint64_t old_generation = committed_.committed_generation;
  for (const Row& key : excluded_keys) {
    std::string encoded;
    encode_row(key, encoded);
    batch.DeleteRange(keys_.entry(current_generation_, encoded, 0), keys_.entry_end(current_generation_, encoded));
    if (old_generation == 0) continue;
    // Read the committed state of this key (a generation that this run
    // never writes, so the read is stable).
    std::string end = keys_.entry_end(old_generation, encoded);
    rocksdb::Slice end_slice(end);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &end_slice;
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(options));
    it->Seek(keys_.entry(old_generation, encoded, 0));
    if (it->Valid()) {
      batch.Put(keys_.entry(current_generation_, encoded, 0),
                carry_over(std::string_view(it->value().data(), it->value().size())));
    }
    store_->check(it->status(), "reading committed snapshot");
  }
  SyncMeta next;
  next.committed_generation = current_generation_;
  next.primary_key = spec_.primary_key;
  next.mapped_columns = spec_.mapped_columns;
  batch.Put(keys_.meta(), encode_sync_meta(next));
  rocksdb::WriteOptions durable;
  durable.sync = true;  // the commit point; also makes every earlier unsynced write durable
  store_->check(db.Write(durable, &batch), "committing snapshot of sync '" + spec_.sync_name + "'");
  finished_ = true;
  if (old_generation != 0) {
    // Best effort: a leftover is removed by the next run of this sync.
    db.DeleteRange(rocksdb::WriteOptions(), db.DefaultColumnFamily(), keys_.generation_begin(old_generation),
                   keys_.generation_begin(old_generation + 1));
  }
}

}  // namespace backflow::diff::local
