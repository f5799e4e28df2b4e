#include "diff/local/sync_snapshot_db.h"

#include <stdexcept>

#include <rocksdb/table.h>

namespace backflow::diff::local {

namespace {

constexpr std::string_view kGenerationPrefix = "generation:";

std::string family_name(std::uint64_t generation) { return std::string(kGenerationPrefix) + std::to_string(generation); }

// The generation a column family holds, or 0 when it holds none.
std::uint64_t generation_of(const std::string& family) {
  if (family.compare(0, kGenerationPrefix.size(), kGenerationPrefix) != 0) return 0;
  std::string digits = family.substr(kGenerationPrefix.size());
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoull(digits);
}

}  // namespace

rocksdb::ColumnFamilyOptions SyncSnapshotDb::generation_options() const {
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
  table.block_cache = resources_.block_cache;
  table.max_auto_readahead_size = 0;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = rocksdb::kNoCompression;
  options.write_buffer_size = 16 << 20;
  options.disable_auto_compactions = true;
  options.level0_slowdown_writes_trigger = 1 << 30;
  options.level0_stop_writes_trigger = 1 << 30;
  return options;
}

std::unique_ptr<SyncSnapshotDb> SyncSnapshotDb::open(const std::filesystem::path& path, std::string sync_name,
                                                     const SnapshotResources& resources) {
  std::unique_ptr<SyncSnapshotDb> store(new SyncSnapshotDb());
  store->path_ = path;
  store->sync_name_ = std::move(sync_name);
  store->resources_ = resources;
  const std::string where = path.string();

  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.write_buffer_manager = resources.write_buffers;
  // A sync's files are few unless its model is large; a scan pins the files
  // it reads whatever this bound, so it only limits idle table readers.
  options.max_open_files = 256;
  options.keep_log_file_num = 2;
  options.max_log_file_size = 1 << 20;
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, where, &names).ok() || names.empty()) {
    names = {rocksdb::kDefaultColumnFamilyName};
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) {
    descriptors.emplace_back(name, name == rocksdb::kDefaultColumnFamilyName ? rocksdb::ColumnFamilyOptions()
                                                                             : store->generation_options());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, where, descriptors, &handles, &raw);
  if (!status.ok()) throw std::runtime_error("snapshot store " + where + ": cannot open: " + status.ToString());
  store->db_.reset(raw);
  std::vector<Handle> unknown;  // closed below: not ours to drop
  for (std::size_t i = 0; i < handles.size(); ++i) {
    Handle handle(handles[i], HandleCloser{raw});
    if (names[i] == rocksdb::kDefaultColumnFamilyName) continue;  // DefaultColumnFamily() serves it
    if (std::uint64_t generation = generation_of(names[i])) {
      store->generations_.emplace(generation, std::move(handle));
    } else {
      unknown.push_back(std::move(handle));
    }
  }
  return store;
}

SyncSnapshotDb::~SyncSnapshotDb() { generations_.clear(); }

rocksdb::ColumnFamilyHandle* SyncSnapshotDb::create_generation(std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  rocksdb::ColumnFamilyHandle* raw = nullptr;
  const std::string name = family_name(generation);
  check(db_->CreateColumnFamily(generation_options(), name, &raw), "creating snapshot " + name);
  auto [it, inserted] = generations_.insert_or_assign(generation, Handle(raw, HandleCloser{db_.get()}));
  return it->second.get();
}

rocksdb::ColumnFamilyHandle* SyncSnapshotDb::generation(std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  auto it = generations_.find(generation);
  return it == generations_.end() ? nullptr : it->second.get();
}

void SyncSnapshotDb::drop_generation(std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  auto it = generations_.find(generation);
  if (it == generations_.end()) return;
  check(db_->DropColumnFamily(it->second.get()), "dropping snapshot " + family_name(generation));
  generations_.erase(it);
}

std::vector<std::uint64_t> SyncSnapshotDb::generations() {
  std::lock_guard lock(mutex_);
  std::vector<std::uint64_t> found;
  for (const auto& [generation, handle] : generations_) found.push_back(generation);
  return found;
}

rocksdb::Options SyncSnapshotDb::table_file_options() const {
  return rocksdb::Options(rocksdb::DBOptions(), generation_options());
}

void SyncSnapshotDb::ingest_tables(rocksdb::ColumnFamilyHandle* generation,
                                   const std::vector<std::filesystem::path>& files) {
  rocksdb::IngestExternalFileOptions options;
  options.move_files = true;
  std::vector<std::string> names;
  for (const auto& file : files) names.push_back(file.string());
  const std::string what =
      "ingesting " + names.front() + (names.size() > 1 ? " and " + std::to_string(names.size() - 1) + " more" : "");
  check(db_->IngestExternalFile(generation, names, options), what);
}

rocksdb::WriteOptions SyncSnapshotDb::bulk_write_options() {
  rocksdb::WriteOptions options;
  options.disableWAL = true;
  return options;
}

void SyncSnapshotDb::check(const rocksdb::Status& status, const std::string& what) const {
  if (!status.ok()) throw std::runtime_error("snapshot store " + path_.string() + ": " + what + ": " + status.ToString());
}

}  // namespace backflow::diff::local
