#include "diff/local/snapshot_store.h"

#include <stdexcept>

#include <rocksdb/cache.h>
#include <rocksdb/write_buffer_manager.h>
#include <xxhash.h>

#include "diff/local/shared_layout_migration.h"

namespace backflow::diff::local {

namespace {

constexpr std::size_t kBlockCacheBytes = 8 << 20;
// All memtables of the store together (every sync, every generation being
// written): past 7/8 of it RocksDB flushes the largest. Writers are not
// stalled at the limit: the merge writes change records into a generation
// while its iterator pins that generation's memtables, so a stall would
// wait for memory that cannot be freed (it did, in a first version).
constexpr std::size_t kMemtableBytes = 32 << 20;

// Directory names stay well under the usual 255-byte limit.
constexpr std::size_t kMaxDirectoryName = 160;

bool plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

std::string SnapshotStore::directory_name(const std::string& sync_name) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name;
  for (char c : sync_name) {
    if (plain(c)) {
      name.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      name += {'%', kHex[byte >> 4], kHex[byte & 0xF]};
    }
  }
  if (name.empty()) name = "%";  // an empty sync name is refused by the config; stay safe anyway
  if (name.size() <= kMaxDirectoryName) return name;
  // '~' never appears in an escaped name, so long names cannot collide with short ones.
  const auto hash = static_cast<std::uint64_t>(XXH3_64bits(sync_name.data(), sync_name.size()));
  std::string suffix = "~";
  for (int shift = 60; shift >= 0; shift -= 4) suffix.push_back(kHex[(hash >> shift) & 0xF]);
  return name.substr(0, kMaxDirectoryName - suffix.size()) + suffix;
}

std::shared_ptr<SnapshotStore> SnapshotStore::open(const std::filesystem::path& state_dir) {
  std::shared_ptr<SnapshotStore> store(new SnapshotStore());
  store->path_ = state_dir / "snapshots";
  store->resources_.block_cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  store->resources_.write_buffers = std::make_shared<rocksdb::WriteBufferManager>(kMemtableBytes);
  std::error_code ec;
  std::filesystem::create_directories(store->path_, ec);
  if (ec) {
    throw std::runtime_error("snapshot store " + store->path_.string() + ": cannot create directory: " + ec.message());
  }
  migrate_shared_layout(state_dir, *store);
  return store;
}

std::shared_ptr<SyncSnapshotDb> SnapshotStore::sync(const std::string& sync_name) {
  std::lock_guard lock(mutex_);
  OpenSync& entry = open_[sync_name];
  if (!entry.db) {
    try {
      entry.db = SyncSnapshotDb::open(path_ / directory_name(sync_name), sync_name, resources_);
    } catch (...) {
      open_.erase(sync_name);
      throw;
    }
  }
  ++entry.users;
  return std::shared_ptr<SyncSnapshotDb>(entry.db.get(), [self = shared_from_this(), sync_name](SyncSnapshotDb*) {
    std::lock_guard release(self->mutex_);
    auto it = self->open_.find(sync_name);
    if (it != self->open_.end() && --it->second.users == 0) self->open_.erase(it);  // closes the DB, lock held
  });
}

}  // namespace backflow::diff::local
