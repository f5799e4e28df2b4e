// Writes one run's history into the warehouse a sync's `writeback:` names
// (docs/writeback.md): its row in sync_runs, and a row in sync_changelog for
// every record outcome, accepted ones included. Changelog rows are buffered
// and written by flush(), which the runner calls before it saves each
// checkpoint: whatever a checkpoint covers is in the warehouse, and a resumed
// run first deletes the rows past its checkpoint (begin_resumed) and then
// writes them again, so no row is duplicated or lost across a kill.
//
// Errors: the constructor throws odbc::Error when the warehouse cannot be
// reached or the tables cannot be created (the run then fails before it
// sends anything). Later write failures do not throw: the first one is kept
// in error() and writing stops, so the runner can report the run as partial.
//
// Thread-safety: add() may be called from any thread; flush(), write_run()
// and the rest from one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "odbc/connection.h"
#include "service/writeback/writeback_tables.h"
#include "state/run_record.h"

namespace backflow::writeback {

// One record outcome of a run.
struct ChangelogEntry {
  // The change's position in the run's change stream; the diff's invalid
  // rows (NULL or duplicate keys), which have none, get -1, -2, ...
  std::int64_t change_index = 0;
  std::string op;          // added | changed | removed (the change sent)
  std::string record_key;  // the primary key as JSON text: {"customer_id":42}
  std::string status;      // accepted | rejected | undelivered | invalid
  bool dead = false;       // reached retry.max_attempts with this failure
  std::uint32_t attempt = 1;  // the record's attempt, counting earlier runs' failures
  int http_status = 0;        // 0 when no request was made
  std::string message;        // the destination's or the mapper's reason
  std::int64_t at_ms = 0;     // unix epoch milliseconds
};

class RunWriteback {
 public:
  // Connects with `connection` (moved in) and creates the schema and tables
  // when missing. `sync` and `run_id` name every row written.
  RunWriteback(odbc::Connection connection, WritebackTables tables, std::string sync, std::string run_id);

  // A resumed run: deletes this run's changelog rows from `change_index` on.
  void begin_resumed(std::uint64_t change_index);

  void add(ChangelogEntry entry);
  // Writes the buffered entries in one transaction. False after a failure.
  bool flush();
  // Writes (inserts or replaces) the run's row as `run` says now.
  bool write_run(const state::RunRecord& run);
  // Deletes this sync's runs started before `cutoff_ms`, with their changelog.
  bool apply_retention(std::int64_t cutoff_ms);

  // The first write failure, as a message naming the table; empty if none.
  const std::string& error() const { return error_; }

 private:
  bool guarded(const char* what, const std::function<void()>& work);

  odbc::Connection connection_;
  WritebackTables tables_;
  std::string sync_, run_id_;
  destinations::SqlStatement upsert_run_, upsert_change_;
  std::mutex buffer_mutex_;
  std::vector<ChangelogEntry> buffer_;
  std::string error_;
};

// Unix epoch milliseconds as a UTC timestamp value (milliseconds kept).
Value utc_timestamp(std::int64_t epoch_ms);

}  // namespace backflow::writeback
