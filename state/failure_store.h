// Records that failed to reach the destination, per sync and key: how often
// they failed, the last reason, and whether they are `dead` (failed
// `max_attempts` times; sent again only when the row changes or an operator
// retries them). A record that stops failing is forgotten.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "state/state_db.h"

namespace backflow::state {

struct FailedRecord {
  std::string key;
  std::uint32_t attempts = 0;
  bool dead = false;
  std::string last_run_id;
  std::string last_error;
};

class FailureStore {
 public:
  // `db` must outlive the store. Thread-safe for distinct syncs; callers
  // serialise updates to one sync (one run per sync at a time).
  explicit FailureStore(StateDb& db);

  // Counts one more failure of `key`; marks it dead when attempts reach
  // `max_attempts`. Returns the updated entry.
  FailedRecord record_failure(const std::string& sync, const std::string& key, const std::string& run_id,
                              const std::string& error, std::uint32_t max_attempts);

  // Forgets `key` (it was delivered, or its row was removed for good).
  void forget(const std::string& sync, const std::string& key);

  std::optional<FailedRecord> find(const std::string& sync, const std::string& key) const;

  // Visits the sync's failed records in key order; `dead_only` filters.
  void for_each(const std::string& sync, bool dead_only, const std::function<bool(const FailedRecord&)>& visit) const;

  // An operator's retry: dead records become due again with their attempts
  // reset. Returns how many were revived.
  std::size_t revive_dead(const std::string& sync);

 private:
  void save(const std::string& sync, const FailedRecord& record);
  StateDb& db_;
};

}  // namespace backflow::state
