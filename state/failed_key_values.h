// The typed primary key values of records in the FailureStore. FailureStore
// names records by their display id ("7", "a,b"), which loses the column
// types; a retry (DiffSpec::retry_keys) and a commit exclusion need the typed
// values back. Kept beside the failure entry, under the prefix "fkey/".
#pragma once

#include <optional>
#include <string>

#include "model/value.h"
#include "state/state_db.h"

namespace backflow::state {

class FailedKeyValues {
 public:
  // `db` must outlive this. Thread-safe (RocksDB is).
  explicit FailedKeyValues(StateDb& db) : db_(db) {}

  // Remembers the typed values of `key_id` (not durable on its own: the run's
  // next checkpoint, a synced write, makes it durable).
  void put(const std::string& sync, const std::string& key_id, const Row& values);
  // The values, or nullopt when never stored or erased.
  std::optional<Row> get(const std::string& sync, const std::string& key_id) const;
  void erase(const std::string& sync, const std::string& key_id);

 private:
  StateDb& db_;
};

}  // namespace backflow::state
