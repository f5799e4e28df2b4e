#include "diff/local/shared_layout_migration.h"

#include <stdexcept>

#include "diff/local/snapshot_keys.h"
#include "diff/local/snapshot_store.h"
#include "diff/local/sync_meta.h"

namespace backflow::diff::local {

namespace {

constexpr std::size_t kBatchBytes = 4 << 20;

// The sync name of an old meta key: "s" + varint(len) + name + "m".
bool parse_meta_key(std::string_view key, std::string& sync_name) {
  if (key.empty() || key[0] != 's') return false;
  std::size_t pos = 1;
  std::uint64_t length = 0;
  for (int shift = 0; pos < key.size() && shift < 64; shift += 7) {
    const auto byte = static_cast<unsigned char>(key[pos++]);
    length |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      if (key.size() != pos + length + 1 || key.back() != 'm') return false;
      sync_name.assign(key.substr(pos, length));
      return true;
    }
  }
  return false;
}

class LegacyDb {
 public:
  explicit LegacyDb(const std::filesystem::path& path) : where_(path.string()) {
    rocksdb::DBOptions options;
    std::vector<std::string> names;
    check(rocksdb::DB::ListColumnFamilies(options, where_, &names), "listing column families");
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& name : names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    check(rocksdb::DB::OpenForReadOnly(options, where_, descriptors, &handles, &raw), "opening");
    db_.reset(raw);
    for (std::size_t i = 0; i < handles.size(); ++i) {
      families_.emplace(names[i], Handle(handles[i], HandleCloser{raw}));
    }
  }
  ~LegacyDb() { families_.clear(); }

  rocksdb::DB& db() { return *db_; }
  rocksdb::ColumnFamilyHandle* family(const std::string& name) {
    auto it = families_.find(name);
    return it == families_.end() ? nullptr : it->second.get();
  }
  void check(const rocksdb::Status& status, const std::string& what) const {
    if (!status.ok()) {
      throw std::runtime_error("snapshot store " + where_ + " (old layout): " + what + ": " + status.ToString());
    }
  }

 private:
  struct HandleCloser {
    rocksdb::DB* db;
    void operator()(rocksdb::ColumnFamilyHandle* handle) const { db->DestroyColumnFamilyHandle(handle); }
  };
  using Handle = std::unique_ptr<rocksdb::ColumnFamilyHandle, HandleCloser>;

  std::string where_;
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, Handle> families_;
};

void copy_sync(LegacyDb& legacy, const std::string& sync_name, const std::string& meta_bytes, SnapshotStore& store) {
  const SyncMeta meta = decode_sync_meta(meta_bytes);
  auto target = store.sync(sync_name);
  // A copy interrupted by a crash is redone from scratch.
  for (std::uint64_t generation : target->generations()) target->drop_generation(generation);
  rocksdb::WriteBatch batch;
  if (meta.committed_generation != 0) {
    rocksdb::ColumnFamilyHandle* from =
        legacy.family("snapshot:" + sync_name + ":" + std::to_string(meta.committed_generation));
    if (!from) return;  // its snapshot was lost already: the engine asks for a full resync, as it would have
    rocksdb::ColumnFamilyHandle* to = target->create_generation(meta.committed_generation);
    rocksdb::ReadOptions read;
    std::unique_ptr<rocksdb::Iterator> it(legacy.db().NewIterator(read, from));
    for (it->Seek(rocksdb::Slice(kEntriesBegin.data(), kEntriesBegin.size())); it->Valid(); it->Next()) {
      if (it->key().ToStringView() >= kEntriesEnd) break;
      batch.Put(to, it->key(), it->value());
      if (batch.GetDataSize() > kBatchBytes) {
        target->check(target->db().Write(SyncSnapshotDb::bulk_write_options(), &batch), "copying snapshot");
        batch.Clear();
      }
    }
    legacy.check(it->status(), "reading the committed snapshot of sync '" + sync_name + "'");
    target->check(target->db().Write(SyncSnapshotDb::bulk_write_options(), &batch), "copying snapshot");
    batch.Clear();
    target->check(target->db().Flush(rocksdb::FlushOptions(), to), "flushing copied snapshot");
  }
  batch.Put(target->meta_family(), sync_meta_key(sync_name), meta_bytes);
  rocksdb::WriteOptions durable;
  durable.sync = true;
  target->check(target->db().Write(durable, &batch), "writing the snapshot state of sync '" + sync_name + "'");
}

}  // namespace

void migrate_shared_layout(const std::filesystem::path& state_dir, SnapshotStore& store) {
  const std::filesystem::path current = state_dir / "snapshots", moved = state_dir / "snapshots.shared-layout";
  std::error_code ec;
  if (std::filesystem::exists(current / "CURRENT")) {
    // Nothing of the new layout exists yet: set the old database aside in one step.
    std::filesystem::rename(current, moved, ec);
    if (!ec) std::filesystem::create_directories(current, ec);
    if (ec) throw std::runtime_error("snapshot store " + current.string() + ": cannot move the old layout aside: " + ec.message());
  }
  if (!std::filesystem::exists(moved / "CURRENT")) return;
  {
    LegacyDb legacy(moved);
    std::unique_ptr<rocksdb::Iterator> it(legacy.db().NewIterator(rocksdb::ReadOptions()));
    std::string sync_name;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (parse_meta_key(it->key().ToStringView(), sync_name)) copy_sync(legacy, sync_name, it->value().ToString(), store);
    }
    legacy.check(it->status(), "reading sync states");
  }
  std::filesystem::remove_all(moved, ec);
  if (ec) throw std::runtime_error("snapshot store " + moved.string() + ": cannot remove the migrated old layout: " + ec.message());
}

}  // namespace backflow::diff::local
