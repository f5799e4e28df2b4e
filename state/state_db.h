// The service's own durable state: one RocksDB database under
// `state_dir/state`, shared by the run, record-result and failure stores.
// Each store owns a key prefix; keys are built with state/key_codec.h so that
// their byte order is the order the stores scan in.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

namespace backflow::state {

class StateDb {
 public:
  // Opens (creating if needed) the database in `dir`. Throws StateError when
  // the directory cannot be created or another process holds the database;
  // the message then names the holder's pid from `dir/OWNER` when known.
  static std::unique_ptr<StateDb> open(const std::filesystem::path& dir);
  ~StateDb();
  StateDb(const StateDb&) = delete;
  StateDb& operator=(const StateDb&) = delete;

  std::optional<std::string> get(std::string_view key) const;

  // Writes are synced (durable on return) when `durable` is true: the points
  // a crash must not lose (phase transitions, checkpoints, commits).
  void put(std::string_view key, std::string_view value, bool durable);
  void write(rocksdb::WriteBatch& batch, bool durable);

  // Calls `visit(key, value)` for each key starting with `prefix`, in key
  // order (reverse order when `reverse`), until it returns false.
  void scan(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& visit,
            bool reverse = false) const;

  const std::filesystem::path& dir() const { return dir_; }

  // Adds `api_url` to the holder's line in dir/OWNER ("pid N, api=URL"), so
  // that a second process is told where the holding service answers, and
  // `backflow run` can send its run there.
  void announce_api(const std::string& api_url);
  // The API URL the holder of the database in `dir` announced, if any.
  static std::optional<std::string> announced_api(const std::filesystem::path& dir);

 private:
  StateDb(std::filesystem::path dir, std::unique_ptr<rocksdb::DB> db);
  std::filesystem::path dir_;
  std::unique_ptr<rocksdb::DB> db_;
};

// A state-store failure: the operation and RocksDB's status text.
class StateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace backflow::state
