#include "diff/local/snapshot_store.h"

#include <algorithm>
#include <stdexcept>

#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>

namespace backflow::diff::local {

namespace {

constexpr std::size_t kBlockCacheBytes = 8 << 20;
// All memtables of the store together (every sync, every generation being
// written): past 7/8 of it RocksDB flushes the largest. Writers are not
// stalled at the limit: the merge writes change records into a generation
// while its iterator pins that generation's memtables, so a stall would
// wait for memory that cannot be freed (it did, in a first version).
constexpr std::size_t kMemtableBytes = 32 << 20;

std::string family_prefix(const std::string& sync_name) { return "snapshot:" + sync_name + ":"; }

}  // namespace

rocksdb::ColumnFamilyOptions SnapshotStore::generation_options() const {
  rocksdb::ColumnFamilyOptions options;
  // A generation is written once, scanned by this run's merge and the next
  // run's, then dropped whole: never compact it, never stall its writes for
  // it. Scans merge its level-0 files (one per 16 MiB of snapshot). Hashes
  // do not compress, so compression would only cost CPU.
  //
  // Memory must not grow with the model, yet the number of files does, and
  // a scan holds every file of a generation open at once. So: index blocks
  // live in the store's bounded block cache instead of beside each open
  // file; blocks are 32 KiB (an eighth of the index of 4 KiB blocks, and
  // few reads per scan); and RocksDB's own readahead, a buffer of up to
  // 256 KiB per file being scanned, is off: the files are read in order,
  // which the kernel's readahead serves as well.
  rocksdb::BlockBasedTableOptions table;
  table.block_size = 32 << 10;
  table.cache_index_and_filter_blocks = true;
  table.block_cache = block_cache_;
  table.max_auto_readahead_size = 0;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = rocksdb::kNoCompression;
  options.write_buffer_size = 16 << 20;
  options.disable_auto_compactions = true;
  options.level0_slowdown_writes_trigger = 1 << 30;
  options.level0_stop_writes_trigger = 1 << 30;
  return options;
}

std::shared_ptr<SnapshotStore> SnapshotStore::open(const std::filesystem::path& state_dir) {
  std::shared_ptr<SnapshotStore> store(new SnapshotStore());
  store->path_ = state_dir / "snapshots";
  const std::string path = store->path_.string();
  store->block_cache_ = rocksdb::NewLRUCache(kBlockCacheBytes);
  std::error_code ec;
  std::filesystem::create_directories(store->path_, ec);
  if (ec) throw std::runtime_error("snapshot store " + path + ": cannot create directory: " + ec.message());

  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.max_open_files = 512;
  options.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(kMemtableBytes);
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, path, &names).ok() || names.empty()) names = {rocksdb::kDefaultColumnFamilyName};
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) {
    descriptors.emplace_back(name, name == rocksdb::kDefaultColumnFamilyName ? rocksdb::ColumnFamilyOptions()
                                                                             : store->generation_options());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, path, descriptors, &handles, &raw);
  if (!status.ok()) throw std::runtime_error("snapshot store " + path + ": cannot open: " + status.ToString());
  store->db_.reset(raw);
  for (std::size_t i = 0; i < handles.size(); ++i) {
    Handle handle(handles[i], HandleCloser{raw});
    if (names[i] != rocksdb::kDefaultColumnFamilyName) store->families_.emplace(names[i], std::move(handle));
    // The default family's handle is closed here; DefaultColumnFamily() serves it.
  }
  return store;
}

SnapshotStore::~SnapshotStore() { families_.clear(); }

rocksdb::ColumnFamilyHandle* SnapshotStore::create_generation(const std::string& sync_name, std::uint64_t gen) {
  std::lock_guard lock(mutex_);
  const std::string name = family_prefix(sync_name) + std::to_string(gen);
  rocksdb::ColumnFamilyHandle* raw = nullptr;
  check(db_->CreateColumnFamily(generation_options(), name, &raw), "creating snapshot generation " + name);
  auto [it, inserted] = families_.insert_or_assign(name, Handle(raw, HandleCloser{db_.get()}));
  return it->second.get();
}

rocksdb::ColumnFamilyHandle* SnapshotStore::generation(const std::string& sync_name, std::uint64_t gen) {
  std::lock_guard lock(mutex_);
  auto it = families_.find(family_prefix(sync_name) + std::to_string(gen));
  return it == families_.end() ? nullptr : it->second.get();
}

void SnapshotStore::drop_generation(const std::string& sync_name, std::uint64_t gen) {
  std::lock_guard lock(mutex_);
  auto it = families_.find(family_prefix(sync_name) + std::to_string(gen));
  if (it == families_.end()) return;
  check(db_->DropColumnFamily(it->second.get()), "dropping snapshot generation " + it->first);
  families_.erase(it);
}

std::vector<std::uint64_t> SnapshotStore::generations(const std::string& sync_name) {
  std::lock_guard lock(mutex_);
  const std::string prefix = family_prefix(sync_name);
  std::vector<std::uint64_t> found;
  for (const auto& [name, handle] : families_) {
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    std::string rest = name.substr(prefix.size());
    if (rest.empty() || rest.find_first_not_of("0123456789") != std::string::npos) continue;  // another sync's
    found.push_back(std::stoull(rest));
  }
  std::sort(found.begin(), found.end());
  return found;
}

rocksdb::WriteOptions SnapshotStore::bulk_write_options() {
  rocksdb::WriteOptions options;
  options.disableWAL = true;
  return options;
}

void SnapshotStore::check(const rocksdb::Status& status, const std::string& what) const {
  if (!status.ok()) throw std::runtime_error("snapshot store " + path_.string() + ": " + what + ": " + status.ToString());
}

}  // namespace backflow::diff::local
