#include "state/state_db.h"

#include <unistd.h>

#include <fstream>

#include <rocksdb/options.h>

namespace backflow::state {
namespace {

std::string read_owner(const std::filesystem::path& dir) {
  std::ifstream in(dir / "OWNER");
  std::string owner;
  std::getline(in, owner);
  return owner;
}

}  // namespace

std::unique_ptr<StateDb> StateDb::open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw StateError("cannot create state directory " + dir.string() + ": " + ec.message());
  rocksdb::Options options;
  options.create_if_missing = true;
  options.max_open_files = 256;
  options.keep_log_file_num = 2;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, dir.string(), &raw);
  if (!status.ok()) {
    std::string message = "cannot open state database " + dir.string() + ": " + status.ToString();
    if (status.IsIOError() && status.ToString().find("lock") != std::string::npos) {
      std::string owner = read_owner(dir);
      message = "state database " + dir.string() + " is held by another backflow process" +
                (owner.empty() ? "" : " (" + owner + ")") +
                "; stop it, or send the request to its API";
    }
    throw StateError(message);
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  std::ofstream(dir / "OWNER", std::ios::trunc) << "pid " << ::getpid() << "\n";
  return std::unique_ptr<StateDb>(new StateDb(dir, std::move(db)));
}

void StateDb::announce_api(const std::string& api_url) {
  std::ofstream(dir_ / "OWNER", std::ios::trunc) << "pid " << ::getpid() << ", api=" << api_url << "\n";
}

std::optional<std::string> StateDb::announced_api(const std::filesystem::path& dir) {
  const std::string owner = read_owner(dir);
  const std::size_t at = owner.find("api=");
  if (at == std::string::npos) return std::nullopt;
  return owner.substr(at + 4);
}

StateDb::StateDb(std::filesystem::path dir, std::unique_ptr<rocksdb::DB> db)
    : dir_(std::move(dir)), db_(std::move(db)) {}

StateDb::~StateDb() {
  std::error_code ec;
  std::filesystem::remove(dir_ / "OWNER", ec);
}

std::optional<std::string> StateDb::get(std::string_view key) const {
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) throw StateError("state read failed: " + status.ToString());
  return value;
}

void StateDb::put(std::string_view key, std::string_view value, bool durable) {
  rocksdb::WriteBatch batch;
  batch.Put(rocksdb::Slice(key.data(), key.size()), rocksdb::Slice(value.data(), value.size()));
  write(batch, durable);
}

void StateDb::write(rocksdb::WriteBatch& batch, bool durable) {
  rocksdb::WriteOptions options;
  options.sync = durable;
  rocksdb::Status status = db_->Write(options, &batch);
  if (!status.ok()) throw StateError("state write failed: " + status.ToString());
}

void StateDb::scan(std::string_view prefix,
                   const std::function<bool(std::string_view, std::string_view)>& visit,
                   bool reverse) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  rocksdb::Slice start(prefix.data(), prefix.size());
  auto in_prefix = [&] { return it->Valid() && it->key().starts_with(start); };
  if (reverse) {
    // Seek just past the prefix range, then walk back into it.
    std::string upper(prefix);
    upper.push_back('\xff');
    upper.append(8, '\xff');
    it->SeekForPrev(upper);
  } else {
    it->Seek(start);
  }
  for (; in_prefix(); reverse ? it->Prev() : it->Next()) {
    if (!visit(std::string_view(it->key().data(), it->key().size()),
               std::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  if (!it->status().ok()) throw StateError("state scan failed: " + it->status().ToString());
}

}  // namespace backflow::state
