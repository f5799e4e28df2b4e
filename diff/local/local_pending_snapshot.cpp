#include "diff/local/local_pending_snapshot.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <thread>

#include <rocksdb/sst_file_writer.h>

#include "diff/diff_error.h"
#include "diff/local/change_record.h"
#include "diff/local/generation_cursor.h"
#include "diff/local/snapshot_entry.h"
#include "diff/local/snapshot_keys.h"
#include "model/row_codec.h"

namespace backflow::diff::local {

namespace {

constexpr std::size_t kBatchBytes = 4 << 20;

std::vector<std::size_t> all_columns(std::size_t n) {
  std::vector<std::size_t> all(n);
  for (std::size_t i = 0; i < n; ++i) all[i] = i;
  return all;
}

}  // namespace

LocalPendingSnapshot::LocalPendingSnapshot(std::shared_ptr<SyncSnapshotDb> store, DiffSpec spec, SyncMeta committed,
                                           std::uint64_t current_generation, std::uint64_t rows_read,
                                           InvalidRows invalid, std::unique_ptr<RowSpillFile> rows,
                                           std::vector<std::string> merge_boundaries)
    : store_(std::move(store)),
      spec_(std::move(spec)),
      committed_(std::move(committed)),
      current_generation_(current_generation),
      current_(store_->generation(current_generation)),
      committed_family_(committed_.committed_generation == 0
                            ? nullptr
                            : store_->generation(committed_.committed_generation)),
      invalid_(std::move(invalid)) {
  if (!current_) throw DiffError(spec_.sync_name, "snapshot generation vanished while the run was writing it");
  if (committed_.committed_generation != 0 && !committed_family_ && !spec_.full_resync) {
    discard();
    throw DiffError(spec_.sync_name, "the committed snapshot (generation " +
                                         std::to_string(committed_.committed_generation) + ") is missing from " +
                                         store_->path().string() + "; run a full resync");
  }
  resolve_layout();
  counts_.rows_read = rows_read;
  try {
    merge(*rows, merge_boundaries);
  } catch (...) {
    discard();
    throw;
  }
}

LocalPendingSnapshot::LocalPendingSnapshot(Resumed, std::shared_ptr<SyncSnapshotDb> store, DiffSpec spec,
                                           SyncMeta committed, std::uint64_t current_generation, DiffCounts counts)
    : store_(std::move(store)),
      spec_(std::move(spec)),
      committed_(std::move(committed)),
      current_generation_(current_generation),
      current_(store_->generation(current_generation)),
      committed_family_(committed_.committed_generation == 0
                            ? nullptr
                            : store_->generation(committed_.committed_generation)),
      counts_(counts) {
  if (!current_) {
    throw DiffError(spec_.sync_name, "the interrupted run's snapshot (generation " +
                                         std::to_string(current_generation) + ") is gone");
  }
  resolve_layout();
}

void LocalPendingSnapshot::resolve_layout() {
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
}

void LocalPendingSnapshot::discard() noexcept {
  try {
    store_->drop_generation(current_generation_);
  } catch (...) {
    // The next run of the sync drops it.
  }
}

LocalPendingSnapshot::~LocalPendingSnapshot() {
  // Abandoned run: drop the uncommitted generation. If this fails the next
  // run of the sync removes it anyway.
  if (!finished_) discard();
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

void LocalPendingSnapshot::merge(const RowSpillFile& rows, const std::vector<std::string>& boundaries) {
  const std::size_t range_count = boundaries.size() + 1;
  std::vector<RangeMerge> ranges(range_count);
  std::vector<std::exception_ptr> errors(range_count);
  auto merge_one = [&](std::size_t i) {
    try {
      merge_range(rows, i == 0 ? nullptr : &boundaries[i - 1], i + 1 < range_count ? &boundaries[i] : nullptr, i,
                  ranges[i]);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < range_count; ++i) threads.emplace_back(merge_one, i);
    merge_one(0);
  }
  for (const auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }

  std::vector<std::filesystem::path> change_files;
  for (RangeMerge& range : ranges) {
    counts_.added += range.added;
    counts_.changed += range.changed;
    counts_.removed += range.removed;
    invalid_.absorb(range.invalid);  // in key order, as one merge would have found them
    if (!range.change_file.empty()) change_files.push_back(range.change_file);
  }
  counts_.invalid = invalid_.count();
  // The change records and the entries must survive a crash so that a
  // resumed run can stream them again instead of re-reading the model
  // (LocalDiffEngine::resume): ingestion is durable, and the duplicates'
  // fix-ups, the only writes that go through a memtable, are flushed.
  if (!change_files.empty()) store_->ingest_tables(current_, change_files);
  store_->check(store_->db().Flush(rocksdb::FlushOptions(), current_), "flushing snapshot");
}

void LocalPendingSnapshot::merge_range(const RowSpillFile& rows, const std::string* from, const std::string* to,
                                       std::size_t index, RangeMerge& out) const {
  rocksdb::DB& db = store_->db();
  GenerationCursor current(db, current_, from, to);
  GenerationCursor committed(db, spec_.full_resync ? nullptr : committed_family_, from, to);
  const std::size_t key_count = spec_.primary_key.size();
  const std::size_t column_count = spec_.mapped_columns.size();
  const bool layout_unchanged = same_layout();
  const std::vector<std::size_t> every_column = all_columns(column_count);

  // Change records come out in key order: they go straight into a table
  // file, ingested at the end, so their memory does not grow with the
  // number of changes. Duplicate fix-ups are rare and go through a batch.
  rocksdb::SstFileWriter change_file(rocksdb::EnvOptions(), store_->table_file_options(), current_);
  const std::filesystem::path change_path =
      rows.path().parent_path() /
      ("changes-" + std::to_string(current_generation_) + "-" + std::to_string(index) + ".sst");
  rocksdb::WriteBatch batch;
  std::string group_key, group_value, committed_value, record, row;
  // The encoded row an entry of the current generation refers to.
  auto row_of = [&](std::string_view entry) -> const std::string& {
    rows.read(RowSpillFile::decode_ref(decode_snapshot_entry(entry).row_ref), row);
    return row;
  };
  std::vector<std::size_t> changed_columns;
  std::vector<Row> duplicate_rows;
  auto retry = from ? std::lower_bound(retry_keys_.begin(), retry_keys_.end(), *from) : retry_keys_.begin();
  auto flush = [&](bool force) {
    if (batch.Count() == 0 || (!force && batch.GetDataSize() < kBatchBytes)) return;
    store_->check(db.Write(SyncSnapshotDb::bulk_write_options(), &batch), "writing snapshot");
    batch.Clear();
  };
  auto record_change = [&](ChangeOp op, std::string_view key, const std::vector<std::size_t>& columns,
                           std::string_view encoded_row) {
    encode_change_record(op, column_count, columns, encoded_row, record);
    if (out.change_file.empty()) {
      store_->check(change_file.Open(change_path.string()), "creating " + change_path.string());
      out.change_file = change_path;
    }
    store_->check(change_file.Put(change_key(key), record), "writing " + change_path.string());
  };

  while (current.valid() || committed.valid()) {
    int order = !current.valid()     ? 1
                : !committed.valid() ? -1
                                     : current.encoded_key().compare(committed.encoded_key());
    if (order > 0) {
      ++out.removed;
      record_change(ChangeOp::Removed, committed.encoded_key(), {}, {});
      committed.next();
      continue;
    }

    group_key.assign(current.encoded_key());
    group_value.assign(current.value());
    std::uint64_t occurrences = 1;
    duplicate_rows.clear();
    current.next();
    while (current.valid() && current.encoded_key() == group_key) {
      if (occurrences == 1 && out.invalid.room() > 0) {
        duplicate_rows.push_back(decode_row(row_of(group_value)));
      }
      if (duplicate_rows.size() < out.invalid.room()) {
        duplicate_rows.push_back(decode_row(row_of(current.value())));
      }
      ++occurrences;
      current.next();
    }
    const bool was_committed = order == 0;
    if (was_committed) {
      committed_value.assign(committed.value());
      committed.next();
    }

    if (occurrences > 1) {
      // Every occurrence is invalid; the key keeps its committed state.
      std::string_view key_bytes = group_key;
      out.invalid.add_duplicates(make_record_key(decode_row(key_bytes, key_count)), occurrences, duplicate_rows);
      batch.DeleteRange(current_, entry_key(group_key, 0), entry_key_end(group_key));
      if (was_committed) batch.Put(current_, entry_key(group_key, 0), carry_over(committed_value));
      flush(false);
      continue;
    }

    while (retry != retry_keys_.end() && std::string_view(*retry) < std::string_view(group_key)) ++retry;
    const bool retried = retry != retry_keys_.end() && *retry == group_key;

    if (!was_committed) {
      ++out.added;
      record_change(ChangeOp::Added, group_key, every_column, row_of(group_value));
      continue;
    }
    // Fast path: equal row hashes under the same layout mean no change.
    constexpr std::size_t kRowHashBytes = 8;
    if (layout_unchanged && !retried && group_value.compare(0, kRowHashBytes, committed_value, 0, kRowHashBytes) == 0) {
      continue;
    }
    SnapshotEntryView now = decode_snapshot_entry(group_value);
    SnapshotEntryView before = decode_snapshot_entry(committed_value);
    changed_columns.clear();
    if (!layout_unchanged || now.hashes.row != before.hashes.row) {
      for (std::size_t i = 0; i < column_count; ++i) {
        int j = committed_column_of_[i];
        if (j < 0 || static_cast<std::size_t>(j) >= before.hashes.columns.size() ||
            before.hashes.columns[static_cast<std::size_t>(j)] != now.hashes.columns[i]) {
          changed_columns.push_back(i);
        }
      }
      // Equal column hashes under a different row hash: a 32-bit collision
      // or a carried-over entry; send everything rather than miss a change.
      if (changed_columns.empty() && layout_unchanged) changed_columns = every_column;
    }
    if (changed_columns.empty()) {
      if (!retried) continue;
      changed_columns = every_column;
    }
    ++out.changed;
    record_change(ChangeOp::Changed, group_key, changed_columns, row_of(group_value));
  }
  current.check_status();
  committed.check_status();
  flush(true);
  if (!out.change_file.empty()) store_->check(change_file.Finish(), "finishing " + change_path.string());
}

void LocalPendingSnapshot::for_each_change(const ChangeSink& sink) {
  if (finished_) throw DiffError(spec_.sync_name, "changes requested after the snapshot was committed");
  rocksdb::Slice end(kChangesEnd.data(), kChangesEnd.size());
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &end;
  std::unique_ptr<rocksdb::Iterator> it(store_->db().NewIterator(options, current_));
  Change change;
  const std::size_t key_count = spec_.primary_key.size();
  for (it->Seek(rocksdb::Slice(kChangesBegin.data(), kChangesBegin.size())); it->Valid(); it->Next()) {
    std::string_view key_bytes(it->key().data() + kChangesBegin.size(), it->key().size() - kChangesBegin.size());
    change.key = make_record_key(decode_row(key_bytes, key_count));
    decode_change_record(std::string_view(it->value().data(), it->value().size()), spec_.mapped_columns.size(),
                         change);
    sink(change);
  }
  store_->check(it->status(), "reading changes");
}

void LocalPendingSnapshot::commit(const std::vector<Row>& excluded_keys) {
  if (finished_) throw DiffError(spec_.sync_name, "snapshot committed twice");
  rocksdb::DB& db = store_->db();
  rocksdb::WriteBatch batch;
  for (const Row& key : excluded_keys) {
    std::string encoded;
    encode_row(key, encoded);
    batch.DeleteRange(current_, entry_key(encoded, 0), entry_key_end(encoded));
    if (!committed_family_) continue;
    // The committed state of this key (a generation this run never writes).
    std::string end = entry_key_end(encoded);
    rocksdb::Slice end_slice(end);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &end_slice;
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(options, committed_family_));
    it->Seek(entry_key(encoded, 0));
    if (it->Valid()) {
      batch.Put(current_, entry_key(encoded, 0), carry_over(std::string_view(it->value().data(), it->value().size())));
    }
    store_->check(it->status(), "reading committed snapshot");
  }
  batch.DeleteRange(current_, rocksdb::Slice(kChangesBegin.data(), kChangesBegin.size()),
                    rocksdb::Slice(kChangesEnd.data(), kChangesEnd.size()));
  SyncMeta next;
  next.committed_generation = current_generation_;
  next.primary_key = spec_.primary_key;
  next.mapped_columns = spec_.mapped_columns;
  batch.Put(store_->meta_family(), sync_meta_key(spec_.sync_name), encode_sync_meta(next));

  // The generation was written without WAL: make it durable before the
  // commit point refers to it.
  store_->check(db.Flush(rocksdb::FlushOptions(), current_), "flushing snapshot");
  rocksdb::WriteOptions durable;
  durable.sync = true;  // the commit point
  store_->check(db.Write(durable, &batch), "committing snapshot of sync '" + spec_.sync_name + "'");
  finished_ = true;
  // Best effort: a leftover generation is dropped by the next run of this sync.
  if (committed_.committed_generation != 0) {
    try {
      store_->drop_generation(committed_.committed_generation);
    } catch (...) {
    }
  }
}

}  // namespace backflow::diff::local
