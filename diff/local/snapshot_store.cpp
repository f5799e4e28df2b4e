#include "diff/local/snapshot_store.h"

#include <stdexcept>

namespace backflow::diff::local {

std::shared_ptr<SnapshotStore> SnapshotStore::open(const std::filesystem::path& state_dir) {
  std::filesystem::path path = state_dir / "snapshots";
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) throw std::runtime_error("snapshot store " + path.string() + ": cannot create directory: " + ec.message());
  rocksdb::Options options;
  options.create_if_missing = true;
  // A generation is written once, scanned twice (this run's merge and the
  // next run's) and then deleted: favour cheap writes and few rewrites.
  // Hashes do not compress, so compression would only cost CPU.
  options.compression = rocksdb::kNoCompression;
  options.write_buffer_size = 64 << 20;
  options.level0_file_num_compaction_trigger = 8;
  options.max_open_files = 256;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, path.string(), &raw);
  if (!status.ok()) throw std::runtime_error("snapshot store " + path.string() + ": cannot open: " + status.ToString());
  return std::shared_ptr<SnapshotStore>(new SnapshotStore(path, std::unique_ptr<rocksdb::DB>(raw)));
}

void SnapshotStore::check(const rocksdb::Status& status, const std::string& what) const {
  if (!status.ok()) throw std::runtime_error("snapshot store " + path_.string() + ": " + what + ": " + status.ToString());
}

}  // namespace backflow::diff::local
