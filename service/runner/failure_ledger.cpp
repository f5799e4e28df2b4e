#include "service/runner/failure_ledger.h"

namespace backflow::runner {

FailureLedger::FailureLedger(state::StateDb* db, std::string sync, std::string run_id, std::int64_t run_started_ms,
                             std::uint32_t max_attempts, std::size_t sample_limit, bool keep_accepted)
    : db_(db),
      sync_(std::move(sync)),
      run_id_(std::move(run_id)),
      run_started_ms_(run_started_ms),
      max_attempts_(max_attempts),
      sample_limit_(sample_limit),
      keep_accepted_(keep_accepted) {
  if (db_ == nullptr) return;
  state::FailureStore(*db_).for_each(sync_, false, [&](const state::FailedRecord& record) {
    failing_ids_.insert(record.key);
    if (!record.dead) {
      retry_ids_.insert(record.key);
      earlier_failures_[record.key] = record.attempts;
    }
    return true;
  });
}

std::vector<Row> FailureLedger::retry_keys() const {
  std::vector<Row> keys;
  if (db_ == nullptr) return keys;
  state::FailedKeyValues values(*db_);
  for (const std::string& id : retry_ids_) {
    if (std::optional<Row> row = values.get(sync_, id)) keys.push_back(std::move(*row));
  }
  return keys;
}

void FailureLedger::keep(const state::RecordResult& result) {
  if (sample_.size() < sample_limit_) sample_.push_back(result);
  if (db_ != nullptr) state::RecordStore(*db_).add(run_id_, run_started_ms_, {result}, /*durable=*/false);
}

std::uint32_t FailureLedger::attempt(const std::string& key_id) const {
  auto it = earlier_failures_.find(key_id);
  return it == earlier_failures_.end() ? 1 : it->second + 1;
}

FailureLedger::Failure FailureLedger::failed(const std::string& key_id, const Row& key_values, const std::string& op,
                                             const std::string& status, long http_status, const std::string& message) {
  state::RecordResult result{key_id, op, status, static_cast<int>(http_status), message};
  if (db_ == nullptr) {
    keep(result);
    return Failure{true, attempt(key_id)};
  }
  state::FailedRecord entry = state::FailureStore(*db_).record_failure(sync_, key_id, run_id_, message, max_attempts_);
  failing_ids_.insert(key_id);
  // Kept for dead records too: an operator's retry revives them as retry
  // keys, and a record that died on its first failure (max_attempts 1) has
  // no values from an earlier one.
  state::FailedKeyValues(*db_).put(sync_, key_id, key_values);
  if (entry.dead) {
    result.status = "dead";
    result.message = message + " (dead after " + std::to_string(entry.attempts) + " attempts)";
    keep(result);
    return Failure{false, entry.attempts};
  }
  keep(result);
  return Failure{true, entry.attempts};
}

void FailureLedger::accepted(const std::string& key_id, const std::string& op, long http_status) {
  if (db_ == nullptr || !keep_accepted_) return;
  state::RecordStore(*db_).add(run_id_, run_started_ms_,
                               {state::RecordResult{key_id, op, "accepted", static_cast<int>(http_status), ""}},
                               /*durable=*/false);
}

void FailureLedger::delivered(const std::string& key_id) {
  if (db_ == nullptr || !failing_ids_.count(key_id)) return;
  state::FailureStore(*db_).forget(sync_, key_id);
  state::FailedKeyValues(*db_).erase(sync_, key_id);
  failing_ids_.erase(key_id);
}

void FailureLedger::invalid_row(const std::string& key_id, const std::string& message) {
  keep(state::RecordResult{key_id, "", "invalid", 0, message});
}

std::vector<Row> FailureLedger::excluded_keys() const {
  std::vector<Row> keys;
  if (db_ == nullptr) return keys;
  state::RecordStore records(*db_);
  state::FailedKeyValues values(*db_);
  for (const char* status : {"rejected", "undelivered", "invalid"}) {
    std::optional<std::string> cursor;
    do {
      state::RecordPage page = records.list(run_id_, std::string(status), 1000, cursor);
      for (const state::RecordResult& result : page.records) {
        if (result.op.empty()) continue;  // an invalid diff row: the diff keeps it out itself
        if (std::optional<Row> row = values.get(sync_, result.key)) keys.push_back(std::move(*row));
      }
      cursor = page.next_cursor;
    } while (cursor);
  }
  return keys;
}

}  // namespace backflow::runner
