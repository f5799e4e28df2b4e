// Per-record results of runs: what happened to each record the caller chose
// to keep (rejected, invalid, undelivered; accepted ones only if it asks),
// with the destination's message. Looked up by run and key, listed by run and
// status with a cursor, and purged run by run (RunStore::purge_finished_before
// applies a sync's retention).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state/state_db.h"

namespace backflow::state {

struct RecordResult {
  std::string key;      // the record's encoded primary key
  std::string op;       // added | changed | removed | ... (the change that was sent)
  std::string status;   // accepted | rejected | invalid | undelivered | dead
  int http_status = 0;  // 0 when no request was made
  std::string message;  // the destination's or the mapper's reason
};

// A record result's JSON: as stored, as the API serves it and as
// `run --json` prints it. from_json throws on malformed input.
nlohmann::json to_json(const RecordResult& record);
RecordResult record_result_from_json(const nlohmann::json& json);

struct RecordPage {
  std::vector<RecordResult> records;
  std::optional<std::string> next_cursor;  // pass back to get the next page
};

class RecordStore {
 public:
  // `db` must outlive the store. Thread-safe (RocksDB is).
  explicit RecordStore(StateDb& db);

  // Appends results of `run_id` in one write; durable when `durable`.
  // A later result for the same key in the same run replaces the earlier one.
  void add(const std::string& run_id, std::int64_t run_started_ms, const std::vector<RecordResult>& results,
           bool durable);

  std::optional<RecordResult> find(const std::string& run_id, const std::string& key) const;

  // Results of `run_id`, optionally only those with `status`, in key order,
  // `limit` per page, continuing after `cursor`.
  RecordPage list(const std::string& run_id, const std::optional<std::string>& status, std::size_t limit,
                  const std::optional<std::string>& cursor = std::nullopt) const;

  // Deletes every result of `run_id`; `run_started_ms` is the one add() was
  // given. Not durable on its own (a purge that is lost is done again).
  void purge_run(const std::string& run_id, std::int64_t run_started_ms);

 private:
  StateDb& db_;
};

}  // namespace backflow::state
