#include "service/writeback/run_writeback.h"

#include <chrono>
#include <functional>
#include <stdexcept>

#include "common/text.h"
#include "odbc/error.h"

namespace backflow::writeback {

namespace {

std::vector<Value> bind(const destinations::SqlStatement& statement,
                        const std::function<Value(const std::string& column)>& value_of) {
  std::vector<Value> params;
  params.reserve(statement.parameters.size());
  for (const std::string& column : statement.parameters) params.push_back(value_of(column));
  return params;
}

Value count(std::uint64_t n) { return Value::integer(static_cast<std::int64_t>(n)); }

Value text_or_null(const std::string& text) { return text.empty() ? Value::null() : Value::text(text); }

}  // namespace

Value utc_timestamp(std::int64_t epoch_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(epoch_ms)};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> clock{time - day};
  Timestamp ts;
  ts.date = Date{static_cast<int>(date.year()), static_cast<std::uint8_t>(static_cast<unsigned>(date.month())),
                 static_cast<std::uint8_t>(static_cast<unsigned>(date.day()))};
  ts.time = TimeOfDay{static_cast<std::uint8_t>(clock.hours().count()),
                      static_cast<std::uint8_t>(clock.minutes().count()),
                      static_cast<std::uint8_t>(clock.seconds().count()),
                      static_cast<std::uint32_t>(clock.subseconds().count() * 1'000'000)};
  return Value::timestamp(ts);
}

RunWriteback::RunWriteback(odbc::Connection connection, WritebackTables tables, std::string sync, std::string run_id)
    : connection_(std::move(connection)),
      tables_(std::move(tables)),
      sync_(std::move(sync)),
      run_id_(std::move(run_id)),
      upsert_run_(upsert_run(tables_)),
      upsert_change_(upsert_change(tables_)) {
  for (const std::string& statement : create_statements(tables_)) connection_.execute(statement);
}

bool RunWriteback::guarded(const char* what, const std::function<void()>& work) {
  if (!error_.empty()) return false;
  try {
    work();
    if (!connection_.autocommit()) connection_.commit();
    return true;
  } catch (const odbc::Error& e) {
    try {
      if (!connection_.autocommit()) connection_.rollback();
    } catch (const odbc::Error&) {
      // The connection is gone; the first error says why.
    }
    error_ = std::string("warehouse writeback (") + what + "): " + e.driver_message() + " (SQLSTATE " + e.sqlstate() +
             ")";
    return false;
  }
}

void RunWriteback::begin_resumed(std::uint64_t change_index) {
  connection_.execute(delete_changes_from(tables_),
                      {Value::text(sync_), Value::text(run_id_), Value::integer(static_cast<std::int64_t>(change_index))});
}

void RunWriteback::add(ChangelogEntry entry) {
  std::lock_guard lock(buffer_mutex_);
  buffer_.push_back(std::move(entry));
}

bool RunWriteback::flush() {
  std::vector<ChangelogEntry> entries;
  {
    std::lock_guard lock(buffer_mutex_);
    entries.swap(buffer_);
  }
  if (entries.empty()) return error_.empty();
  return guarded("writing the changelog", [&] {
    connection_.set_autocommit(false);
    for (const ChangelogEntry& e : entries) {
      connection_.execute(upsert_change_.text, bind(upsert_change_, [&](const std::string& column) -> Value {
                            if (column == "sync_name") return Value::text(sync_);
                            if (column == "run_id") return Value::text(run_id_);
                            if (column == "change_index") return Value::integer(e.change_index);
                            if (column == "op") return text_or_null(e.op);
                            if (column == "record_key") return Value::text(e.record_key);
                            if (column == "status") return Value::text(e.status);
                            if (column == "dead") return Value::boolean(e.dead);
                            if (column == "attempt") return count(e.attempt);
                            if (column == "http_status") return e.http_status ? Value::integer(e.http_status) : Value::null();
                            if (column == "message") return text_or_null(e.message);
                            if (column == "recorded_at") return utc_timestamp(e.at_ms);
                            throw std::logic_error("changelog column without a value: " + column);
                          }));
    }
  });
}

bool RunWriteback::write_run(const state::RunRecord& run) {
  const state::RunCounts& c = run.counts;
  const std::string status =
      state::is_terminal(run.phase) ? text::lower(state::to_string(run.phase)) : std::string("running");
  return guarded("writing the run", [&] {
    connection_.set_autocommit(false);
    connection_.execute(upsert_run_.text, bind(upsert_run_, [&](const std::string& column) -> Value {
                          if (column == "sync_name") return Value::text(sync_);
                          if (column == "run_id") return Value::text(run_id_);
                          if (column == "status") return Value::text(status);
                          if (column == "run_trigger") return Value::text(text::lower(state::to_string(run.trigger)));
                          if (column == "started_at") return utc_timestamp(run.started_at_ms);
                          if (column == "finished_at") return run.ended_at_ms ? utc_timestamp(run.ended_at_ms) : Value::null();
                          if (column == "error_phase") return text_or_null(run.error_phase);
                          if (column == "error") return text_or_null(run.error);
                          if (column == "rows_read") return count(c.rows_read);
                          if (column == "added") return count(c.added);
                          if (column == "changed") return count(c.changed);
                          if (column == "removed") return count(c.removed);
                          if (column == "skipped") return count(c.skipped);
                          if (column == "sent") return count(c.sent);
                          if (column == "accepted") return count(c.accepted);
                          if (column == "rejected") return count(c.rejected);
                          if (column == "undelivered") return count(c.undelivered);
                          if (column == "invalid") return count(c.invalid);
                          if (column == "dead") return count(c.dead);
                          if (column == "retried") return count(c.retried);
                          if (column == "failed_again") return count(c.failed_again);
                          throw std::logic_error("sync_runs column without a value: " + column);
                        }));
  });
}

bool RunWriteback::apply_retention(std::int64_t cutoff_ms) {
  return guarded("applying retention", [&] {
    connection_.set_autocommit(false);
    const Value cutoff = utc_timestamp(cutoff_ms);
    connection_.execute(delete_old_changes(tables_), {Value::text(sync_), Value::text(sync_), cutoff});
    connection_.execute(delete_old_runs(tables_), {Value::text(sync_), cutoff});
  });
}

}  // namespace backflow::writeback
