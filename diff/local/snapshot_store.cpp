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
  // Snapshots are written once and read sequentially twice: favour large
  // sequential writes over point-read tuning.
  options.write_buffer_size = 32 << 20;
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
