// The failed-record lifecycle of one run (docs/runner.md): which records to
// retry, what a failure does (counted per key, persisted with the run, kept
// out of the commit until it reaches retry.max_attempts and is `dead`), and
// forgetting a record once it is delivered. Without a StateDb (dry run) it
// knows no failures and records nothing. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/value.h"
#include "state/failed_key_values.h"
#include "state/failure_store.h"
#include "state/record_store.h"
#include "state/state_db.h"

namespace backflow::runner {

class FailureLedger {
 public:
  // `db` may be null. It must outlive the ledger.
  // `keep_accepted`: accepted() persists a result too (record_log: all).
  FailureLedger(state::StateDb* db, std::string sync, std::string run_id, std::int64_t run_started_ms,
                std::uint32_t max_attempts, std::size_t sample_limit, bool keep_accepted = false);

  // Typed keys of failed records that are not dead: DiffSpec::retry_keys.
  std::vector<Row> retry_keys() const;
  // Key ids of retry_keys().
  const std::unordered_set<std::string>& retry_ids() const { return retry_ids_; }

  struct Failure {
    // True when the record is to be kept out of the commit (sent again next
    // run), false when it just became dead (committed as is, so it waits for
    // its row to change or an operator's retry).
    bool retry = true;
    std::uint32_t attempts = 1;  // failures of this record so far, this one included
  };
  // A record that failed in this run: `status` is rejected | undelivered |
  // invalid. Its typed key values are kept, a dead record's too, so that
  // retry_keys() finds it once an operator revives it.
  Failure failed(const std::string& key_id, const Row& key_values, const std::string& op, const std::string& status,
                 long http_status, const std::string& message);
  // Which attempt at delivering the record this run's is: 1 plus its earlier
  // failures (those known when the run started).
  std::uint32_t attempt(const std::string& key_id) const;
  // A record that reached the destination: forgotten by the failure store.
  void delivered(const std::string& key_id);
  // Any record the destination accepted, append runs' included: persisted
  // as an `accepted` result when the ledger keeps accepted records.
  void accepted(const std::string& key_id, const std::string& op, long http_status);
  // An invalid row of the diff (NULL or duplicate key): persisted only.
  void invalid_row(const std::string& key_id, const std::string& message);

  // Keys to keep out of the commit: this run's failures (a resumed run's
  // earlier ones included), typed.
  std::vector<Row> excluded_keys() const;

  const std::vector<state::RecordResult>& sample() const { return sample_; }

 private:
  void keep(const state::RecordResult& result);

  state::StateDb* db_;
  std::string sync_, run_id_;
  std::int64_t run_started_ms_;
  std::uint32_t max_attempts_;
  std::size_t sample_limit_;
  bool keep_accepted_;
  std::unordered_set<std::string> retry_ids_;
  std::unordered_map<std::string, std::uint32_t> earlier_failures_;  // of retry_ids_
  std::unordered_set<std::string> failing_ids_;  // every key with a failure entry, dead included
  std::vector<state::RecordResult> sample_;
};

}  // namespace backflow::runner
