#include "service/runner/sync_runner.h"

#include <unistd.h>

#include <atomic>
#include <optional>
#include <unordered_map>

#include "destinations/delivery_engine.h"
#include "destinations/destination_error.h"
#include "diff/diff_error.h"
#include "diff/local/local_diff_engine.h"
#include "diff/model_columns.h"
#include "odbc/error.h"
#include "diff/warehouse/warehouse_diff_engine.h"
#include "mappers/compiled_mapping.h"
#include "mappers/json_writer.h"
#include "mappers/mapping_error.h"
#include "model/sql_dialect.h"
#include "service/runner/change_feed.h"
#include "service/runner/change_translator.h"
#include "service/runner/counting_row_source.h"
#include "service/runner/delivery_target.h"
#include "service/runner/failure_ledger.h"
#include "service/runner/fault_point.h"
#include "service/runner/guard_check.h"
#include "service/runner/kill_point.h"
#include "service/runner/parity_check.h"
#include "service/runner/shared_snapshot_store.h"
#include "service/runner/run_journal.h"
#include "service/runner/run_outcome.h"
#include "service/runner/sync_plan.h"
#include "service/runner/warehouse_connection.h"
#include "service/writeback/run_writeback.h"
#include "state/sync_lock.h"
#include "common/text.h"

namespace backflow::runner {

namespace {

using state::RunPhase;

// A failure that ends the run with a reason a user can act on.
class RunFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string lower_phase(RunPhase phase) {
  return text::lower(state::to_string(phase));
}

std::string op_name(diff::ChangeOp op) { return diff::to_string(op); }

// A dry run on a state_dir that does not exist yet must not create one: its
// local snapshot goes to a scratch directory removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "backflow-dry-run-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a scratch directory for the dry run");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// BACKFLOW_TEST_FAULT=short_read:n: a driver that ends the result early.
class ShortReadSource final : public RowSource {
 public:
  ShortReadSource(RowSource& source, std::uint64_t limit) : source_(source), limit_(limit) {}
  const std::vector<ColumnInfo>& columns() const override { return source_.columns(); }
  bool next(Row& row) override { return rows_++ < limit_ && source_.next(row); }

 private:
  RowSource& source_;
  std::uint64_t limit_, rows_ = 0;
};

// Everything one run holds; phases are its methods, in order.
class RunExecution {
 public:
  RunExecution(const config::Config& config, const config::Sync& sync, const std::filesystem::path& state_dir,
               state::StateDb* db, const RunRequest& request, RunJournal& journal, bool resumed)
      : sync_(sync),
        state_dir_(state_dir),
        db_(db),
        request_(request),
        journal_(journal),
        resumed_(resumed),
        ledger_(request.dry_run ? nullptr : db, sync.name, journal.record().id, journal.record().started_at_ms,
                sync.retry.max_attempts, request.sample_limit, sync.record_log == config::Sync::RecordLog::all),
        warehouse_(*config.find_warehouse(sync.source.warehouse)),
        destination_(*config.find_destination(sync.destination.name)),
        dialect_(dialect_of(warehouse_)),
        writeback_warehouse_(sync.writeback && !request.dry_run ? config.find_warehouse(sync.writeback->warehouse)
                                                                : nullptr) {}

  RunReport execute() {
    RunReport report;
    report.resumed = resumed_;
    try {
      run_phases(report);
    } catch (const RunStopped&) {
      stopped_before_delivery();
    } catch (const odbc::Error& e) {
      fail(std::string(e.what()));
    } catch (const std::exception& e) {
      fail(e.what());
    }
    finish_writeback();
    report.record = journal_.record();
    report.failures = ledger_.sample();
    return report;
  }

 private:
  void fail(const std::string& reason) {
    pending_.reset();  // an abandoned diff is discarded, the committed snapshot stays
    journal_.finish(RunPhase::Failed, reason);
  }

  // A stop seen before delivery: nothing was sent, so a cancel ends the run
  // and a shutdown leaves it unfinished (the next start runs it again under
  // its id; its partial snapshot is discarded either way).
  void stopped_before_delivery() {
    pending_.reset();
    if (stopping_for_shutdown()) {
      left_for_resume_ = true;
      return;
    }
    journal_.finish(RunPhase::Cancelled, "cancelled in phase " + lower_phase(journal_.record().phase) +
                                             " before anything was sent; nothing is committed");
  }

  void throw_if_stopped() const {
    if (request_.stop.stop_requested()) throw RunStopped("stop requested");
  }

  void enter(RunPhase phase) {
    journal_.enter(phase);
    progress();
    kill_point(lower_phase(phase));
  }

  void progress() {
    if (request_.on_progress) {
      request_.on_progress(RunProgress{journal_.record().phase, rows_read_.load(), journal_.record().counts.sent});
    }
  }

  bool local_engine() const { return sync_.diff.engine == config::DiffEngine::local; }
  bool append_mode() const { return sync_.destination.mode == config::SyncMode::append; }

  void run_phases(RunReport& report) {
    if (!resumed_) enter(RunPhase::Preflight);
    preflight();
    if (append_mode()) {
      enter(RunPhase::Deliver);
      deliver(report);
      journal_.mutable_record().counts.rows_read = rows_read_.load();
      journal_.mutable_record().counts.added = rows_read_.load();
      if (journal_.record().phase == RunPhase::Deliver) finish_delivered_run();
      return;
    }
    if (resumed_) {
      if (!reopen_pending()) return;
    } else {
      enter(RunPhase::Snapshot);
      snapshot();
      throw_if_stopped();
      enter(RunPhase::Diff);
      record_diff();
    }
    if (journal_.record().phase == RunPhase::Commit) {
      commit();
      return;
    }
    if (journal_.record().phase != RunPhase::Deliver) {
      throw_if_stopped();
      enter(RunPhase::Guard);
      if (!guard()) return;
      if (request_.dry_run) {
        dry_run(report);
        return;
      }
      enter(RunPhase::Deliver);
    }
    deliver(report);
    if (journal_.record().phase != RunPhase::Deliver || left_for_resume_) return;  // cancelled, failed or shut down
    enter(RunPhase::Commit);
    commit();
  }

  // Connect, read the model's columns, check the mapping and the primary key
  // against them, and check the destination can be built for this mode.
  void preflight() {
    connection_.emplace(open_warehouse(warehouse_));
    std::vector<ColumnInfo> columns;
    try {
      columns = connection_->query(model_columns_sql(sync_, dialect_)).columns();
    } catch (const odbc::Error& e) {
      if (e.transient()) throw;
      throw RunFailure("cannot read the model of sync '" + sync_.name + "' from warehouse '" + warehouse_.name +
                       "': " + e.driver_message() + " (SQLSTATE " + e.sqlstate() + ")");
    }
    spec_ = make_diff_spec(sync_, request_.full_resync || journal_.record().full_resync);
    spec_.retry_keys = ledger_.retry_keys();
    diff::ModelColumns resolved = diff::resolve_model_columns(spec_, columns);
    key_indexes_ = resolved.key;
    mapped_indexes_ = resolved.mapped;
    std::vector<ColumnInfo> mapped_columns;
    for (std::size_t i = 0; i < resolved.mapped.size(); ++i) {
      ColumnInfo info = columns[resolved.mapped[i]];
      info.name = spec_.mapped_columns[i];  // the mapping names columns as the config does
      mapped_columns.push_back(std::move(info));
    }
    try {
      mapping_.emplace(mappers::CompiledMapping::compile(make_mapping_spec(sync_), mapped_columns));
    } catch (const mappers::MappingError& e) {
      throw RunFailure("mapping of sync '" + sync_.name + "': " + e.what());
    }
    target_ = make_delivery_target(DeliveryTargetContext{destination_, sync_, columns, db_, journal_});
    if (writeback_warehouse_ != nullptr) open_writeback();
  }

  // Connects to the writeback warehouse and creates its tables: a run that
  // cannot keep its sync log fails here, before anything is sent.
  void open_writeback() {
    const config::Warehouse& warehouse = *writeback_warehouse_;
    const Dialect dialect = dialect_of(warehouse);
    try {
      writeback_.emplace(open_warehouse(warehouse), writeback::writeback_tables(dialect, sync_.writeback->schema),
                         sync_.name, journal_.record().id);
      if (resumed_) writeback_->begin_resumed(journal_.record().checkpoint.changes_acked);
    } catch (const odbc::Error& e) {
      throw RunFailure("warehouse writeback of sync '" + sync_.name + "' to warehouse '" + warehouse.name +
                       "' (schema '" + sync_.writeback->schema + "'): " + e.driver_message() + " (SQLSTATE " +
                       e.sqlstate() + "); nothing was sent");
    }
    writeback_->write_run(journal_.record());
    if (!writeback_->error().empty()) throw RunFailure(writeback_->error() + "; nothing was sent");
  }

  void add_to_changelog(std::int64_t index, const std::string& op, std::string key_json, const std::string& status,
                        bool dead, std::uint32_t attempt, long http_status, const std::string& message) {
    if (!writeback_) return;
    writeback_->add(writeback::ChangelogEntry{index, op, std::move(key_json), status, dead, attempt,
                                              static_cast<int>(http_status), message, now_ms()});
  }

  std::string key_json_text(const Row& key_values) const {
    if (key_values.empty()) return "null";
    return mappers::to_json_text(key_object(sync_.source.primary_key, key_values));
  }

  // The run's last writeback: the changelog's rest, retention, and the run's
  // final row. A run whose records arrived but whose log could not be
  // written is not `succeeded`: it says so, as `partial`.
  void finish_writeback() {
    if (!writeback_) return;
    writeback_->flush();
    const state::RunRecord& record = journal_.record();
    if (state::is_terminal(record.phase)) writeback_->apply_retention(now_ms() - sync_.retention.count());
    writeback_->write_run(record);
    if (writeback_->error().empty() || !state::is_terminal(record.phase)) return;
    if (record.phase == RunPhase::Succeeded) {
      journal_.finish(RunPhase::Partial, writeback_->error() + "; every record was delivered", "commit");
    } else if (record.phase == RunPhase::Partial) {
      journal_.finish(RunPhase::Partial, record.error + "; " + writeback_->error(), record.error_phase);
    }
  }

  void snapshot() {
    if (local_engine()) {
      open_snapshot_store();
      // One transaction, one snapshot: the read and the warehouse's count of
      // the same rows must agree (the parity check below).
      connection_->set_autocommit(false);
      if (const std::string isolation = sql_dialect(dialect_).consistent_read_statement(); !isolation.empty()) {
        connection_->execute(isolation);
      }
      {
        odbc::ResultReader reader = connection_->query(model_sql(sync_, dialect_));
        std::optional<ShortReadSource> short_read;
        if (auto limit = fault_setting("short_read")) short_read.emplace(reader, *limit);
        RowSource& source = short_read ? static_cast<RowSource&>(*short_read) : reader;
        CountingRowSource counted(
            source,
            [&](std::uint64_t rows) {
              rows_read_ = rows;
              progress();
            },
            request_.stop);
        pending_ = local_->diff(spec_, counted);
      }
      model_rows_ = count_model();
      connection_->rollback();  // the read wrote nothing
      connection_->set_autocommit(true);
      if (auto violation = read_parity_violation(sync_.name, pending_->counts().rows_read, model_rows_)) {
        state::RunCounts& c = journal_.mutable_record().counts;
        c.rows_read = pending_->counts().rows_read;
        c.model_rows = model_rows_;
        throw RunFailure(*violation);
      }
    } else {
      diff::warehouse::WarehouseDiffEngine engine(*connection_, dialect_, warehouse_.bookkeeping_schema);
      diff::warehouse::WarehouseModel model;
      if (sync_.source.table) model.table = *sync_.source.table;
      else model.query = model_sql(sync_, dialect_);
      pending_ = engine.diff(spec_, model);
      // The warehouse computed rows_read itself from the model it joined.
      model_rows_ = pending_->counts().rows_read;
    }
    rows_read_ = pending_->counts().rows_read;
  }

  std::uint64_t count_model() {
    odbc::ResultReader reader = connection_->query(count_model_sql(model_sql(sync_, dialect_)));
    Row row;
    if (!reader.next(row) || row.empty() || row[0].is_null()) {
      throw RunFailure("parity check of sync '" + sync_.name + "': the warehouse returned no count of the model");
    }
    try {
      return count_value(row[0]);
    } catch (const std::exception&) {
      throw RunFailure("parity check of sync '" + sync_.name + "': the model's count is not a number");
    }
  }

  void open_snapshot_store() {
    if (request_.dry_run && !std::filesystem::exists(state_dir_)) {
      scratch_.emplace();
      snapshots_ = diff::local::SnapshotStore::open(scratch_->path());
    } else {
      snapshots_ = shared_snapshot_store(state_dir_);
    }
    local_.emplace(snapshots_);
  }

  // A resumed run: reopen the pending snapshot its diff left. False when the
  // run is over (its commit had happened, or nothing can be resumed).
  bool reopen_pending() {
    const state::RunCounts& c = journal_.record().counts;
    diff::DiffCounts counts{c.rows_read, c.added, c.changed, c.removed, c.invalid};
    if (local_engine()) {
      open_snapshot_store();
      pending_ = local_->resume(spec_, counts);
    } else {
      diff::warehouse::WarehouseDiffEngine engine(*connection_, dialect_, warehouse_.bookkeeping_schema);
      pending_ = engine.resume(spec_, counts);
    }
    if (pending_) return true;
    if (journal_.record().phase == RunPhase::Commit) {
      // The commit point was reached before the process died.
      finish_delivered_run();
      return false;
    }
    throw RunFailure("the interrupted run's pending snapshot is gone; the next run starts over");
  }

  void record_diff() {
    const diff::DiffCounts& counts = pending_->counts();
    state::RunCounts& c = journal_.mutable_record().counts;
    c.rows_read = counts.rows_read;
    c.added = counts.added;
    c.changed = counts.changed;
    c.removed = counts.removed;
    c.invalid = counts.invalid;
    c.model_rows = model_rows_;
    std::int64_t index = 0;
    for (const diff::InvalidRow& row : pending_->invalid_sample()) {
      ledger_.invalid_row(row.key_id, row.reason);
      add_to_changelog(--index, "", row.key_id.empty() ? "null" : mappers::to_json_text(nlohmann::json(row.key_id)),
                       "invalid", false, 1, 0, row.reason);
    }
    if (writeback_) writeback_->flush();
    journal_.save();
  }

  bool guard() {
    std::optional<std::string> violation = guard_violation(sync_.guard, pending_->counts());
    if (!violation) return true;
    if (request_.force || journal_.record().force) return true;
    pending_.reset();
    journal_.finish(RunPhase::Blocked, *violation + " (run with --force to override once)");
    return false;
  }

  ChangeFeed::Producer producer() {
    if (!append_mode()) {
      return [this](const diff::ChangeSink& sink) {
        const std::optional<std::uint64_t> limit = fault_setting("short_changes");
        struct EndOfStream {};
        try {
          pending_->for_each_change([&](const diff::Change& change) {
            if (limit && changes_streamed_ >= *limit) throw EndOfStream{};
            ++changes_streamed_;
            sink(change);
          });
        } catch (const EndOfStream&) {
          // The fault: the stream ends early, as a broken driver's would.
        }
      };
    }
    // Append: every model row is an event; no snapshot, no diff.
    return [this](const diff::ChangeSink& sink) {
      odbc::ResultReader reader = connection_->query(model_sql(sync_, dialect_));
      Row row, key(key_indexes_.size());
      diff::Change change;
      change.op = diff::ChangeOp::Added;
      change.row.resize(mapped_indexes_.size());
      for (std::size_t i = 0; i < mapped_indexes_.size(); ++i) change.changed_columns.push_back(i);
      while (reader.next(row)) {
        ++rows_read_;
        for (std::size_t i = 0; i < key_indexes_.size(); ++i) key[i] = row[key_indexes_[i]];
        for (std::size_t i = 0; i < mapped_indexes_.size(); ++i) change.row[i] = row[mapped_indexes_[i]];
        change.key = diff::make_record_key(key);
        sink(change);
      }
    };
  }

  void not_sent(const diff::Change& change, const Translation& translation, std::uint64_t index) {
    state::RunCounts& c = journal_.mutable_record().counts;
    if (translation.kind == Translation::Kind::Skip) {
      ++c.skipped;
      return;
    }
    ++c.invalid;
    if (ledger_.retry_ids().count(change.key.id)) ++c.failed_again;
    const FailureLedger::Failure failure =
        ledger_.failed(change.key.id, change.key.values, op_name(change.op), "invalid", 0, translation.reason);
    if (failure.retry) {
      excluded_.push_back(change.key.values);
    } else {
      ++c.dead;
    }
    add_to_changelog(static_cast<std::int64_t>(index), op_name(change.op), key_json_text(change.key.values), "invalid",
                     !failure.retry, failure.attempts, 0, translation.reason);
  }

  void dry_run(RunReport& report) {
    ChangeTranslator translator(sync_, *mapping_, journal_.record().id, ledger_.retry_ids());
    pending_->for_each_change([&](const diff::Change& change) {
      Translation t = translator.translate(change);
      switch (t.kind) {
        case Translation::Kind::Skip: ++report.dry_run_ops["skip"]; break;
        case Translation::Kind::Invalid:
          ++report.dry_run_ops["invalid"];
          ledger_.failed(change.key.id, change.key.values, op_name(change.op), "invalid", 0, t.reason);
          if (request_.dry_run_changes != nullptr) {
            *request_.dry_run_changes << mappers::to_json_text(nlohmann::json{
                                             {"op", "invalid"}, {"key_id", change.key.id}, {"reason", t.reason}})
                                      << '\n';
          }
          break;
        case Translation::Kind::Send: {
          ++report.dry_run_ops[std::string(destinations::to_string(t.record.op))];
          if (report.dry_run_payloads.size() < request_.sample_limit || request_.dry_run_changes != nullptr) {
            nlohmann::json payload = {{"op", std::string(destinations::to_string(t.record.op))},
                                      {"key", t.record.key_json}};
            if (t.record.op != destinations::Operation::Delete) payload["fields"] = t.record.fields;
            std::string line = mappers::to_json_text(payload);
            if (request_.dry_run_changes != nullptr) *request_.dry_run_changes << line << '\n';
            if (report.dry_run_payloads.size() < request_.sample_limit) report.dry_run_payloads.push_back(std::move(line));
          }
          break;
        }
      }
    });
    pending_.reset();  // commits nothing
    journal_.finish(RunPhase::Succeeded);
  }

  struct InFlight {
    Row key_values;
    std::string op;
    std::uint64_t index = 0;  // in the change stream
  };

  bool resumable_sync() const { return !append_mode() && !request_.dry_run; }

  bool stopping_for_shutdown() const {
    return request_.stop.stop_requested() && request_.stop_is_shutdown && request_.stop_is_shutdown();
  }

  void deliver(RunReport& report) {
    ChangeTranslator translator(sync_, *mapping_, journal_.record().id, ledger_.retry_ids());
    state::RunRecord& record = journal_.mutable_record();
    const std::uint64_t skip = record.checkpoint.changes_acked;
    // Append runs' event keys may repeat within a run: a multimap.
    std::unordered_multimap<std::string, InFlight> in_flight;
    const bool track_in_flight = !append_mode() || writeback_.has_value();
    // Counted on the feed's consumer thread (on_sent) and the engine's
    // callback thread: atomics, compared once delivery has ended.
    std::atomic<std::uint64_t> records_handed_over{0}, outcomes{0};
    const std::optional<std::uint64_t> drop_outcome = fault_setting("drop_outcome");
    const auto& retry_ids = ledger_.retry_ids();
    ChangeFeed feed(
        producer(), translator, skip,
        [&](const diff::Change& change, const Translation& t, std::uint64_t index) { not_sent(change, t, index); },
        [&](const diff::Change& change, const destinations::DeliveryRecord& sent, std::uint64_t index) {
          ++records_handed_over;
          if (retry_ids.count(change.key.id)) ++record.counts.retried;
          if (track_in_flight) in_flight.emplace(sent.key, InFlight{change.key.values, op_name(change.op), index});
        });

    destinations::DeliveryRun run{sync_.name, record.id, sync_.destination.mode,
                                  record.checkpoint.batches_acked, request_.stop};
    std::uint64_t max_batch = record.checkpoint.batches_acked;
    destinations::DeliveryCallbacks callbacks;
    callbacks.on_outcome = [&](const destinations::RecordOutcome& outcome) {
      if (drop_outcome && ++dropped_outcome_count_ == *drop_outcome) return;
      ++outcomes;
      InFlight sent;
      bool known = false;
      if (auto it = in_flight.find(outcome.key); it != in_flight.end()) {
        sent = std::move(it->second);
        in_flight.erase(it);
        known = true;
      }
      const std::string op = sent.op.empty() ? std::string(destinations::to_string(outcome.op)) : sent.op;
      ++record.counts.sent;
      if (outcome.status == destinations::RecordStatus::Accepted) {
        ++record.counts.accepted;
        ledger_.accepted(outcome.key, op, outcome.http_status);
        if (!append_mode()) ledger_.delivered(outcome.key);
        if (known) {
          add_to_changelog(static_cast<std::int64_t>(sent.index), op, key_json_text(sent.key_values), "accepted",
                           false, ledger_.attempt(outcome.key), outcome.http_status, "");
        }
      } else {
        const bool rejected = outcome.status == destinations::RecordStatus::Rejected;
        const char* status = rejected ? "rejected" : "undelivered";
        ++(rejected ? record.counts.rejected : record.counts.undelivered);
        if (retry_ids.count(outcome.key)) ++record.counts.failed_again;
        const FailureLedger::Failure failure =
            ledger_.failed(outcome.key, sent.key_values, op, status, outcome.http_status, outcome.message);
        if (!failure.retry) ++record.counts.dead;
        if (failure.retry && !append_mode()) excluded_.push_back(sent.key_values);
        if (known) {
          add_to_changelog(static_cast<std::int64_t>(sent.index), op, key_json_text(sent.key_values), status,
                           !failure.retry, failure.attempts, outcome.http_status, outcome.message);
        }
      }
      kill_point("outcome");
    };
    callbacks.on_acknowledged = [&](const destinations::BatchAck& ack) {
      if (ack.sequence) max_batch = std::max<std::uint64_t>(max_batch, *ack.sequence + 1);
      const std::uint64_t acked = feed.acked_changes(ack.settled_through);
      if (acked > record.checkpoint.changes_acked) {
        record.checkpoint.changes_acked = acked;
        record.checkpoint.batches_acked = max_batch;
      }
      // What the checkpoint covers is in the sync log before it is saved.
      if (writeback_) writeback_->flush();
      journal_.save();
      progress();
      kill_point("ack");
    };
    try {
      report.throttled = target_->deliver(run, feed, callbacks).throttled;
    } catch (const destinations::DestinationAuthError& e) {
      throw RunFailure(std::string("destination '") + destination_.name + "' refused the credentials (HTTP " +
                       std::to_string(e.http_status()) + "): " + e.what() +
                       "; nothing is committed, the next run sends the remaining changes again");
    }
    feed.stop();  // the producer may still be inside pending_'s stream
    feed.rethrow_if_failed();
    if (stopping_for_shutdown() && resumable_sync()) {
      // Acknowledged batches are checkpointed already; keep the diff for the
      // next start to resume from there.
      journal_.save();
      pending_->keep_for_resume();
      pending_.reset();
      left_for_resume_ = true;
      return;
    }
    if (stopping_for_shutdown()) {
      pending_.reset();
      journal_.finish(RunPhase::Cancelled, "stopped by a service shutdown during delivery; nothing is committed");
      return;
    }
    if (request_.stop.stop_requested()) {
      pending_.reset();
      journal_.finish(RunPhase::Cancelled, "cancelled during delivery; nothing is committed");
      return;
    }
    // Delivery ran to its end: before anything is committed, every change
    // of the diff must have been streamed and every record settled.
    if (!append_mode()) {
      if (auto violation = change_parity_violation(sync_.name, pending_->counts(), changes_streamed_.load())) {
        throw RunFailure(*violation);
      }
    }
    if (auto violation = outcome_parity_violation(sync_.name, records_handed_over.load(), outcomes.load())) {
      throw RunFailure(*violation);
    }
    record.checkpoint.changes_acked = feed.changes_passed();
    record.checkpoint.batches_acked = max_batch;
    if (writeback_) writeback_->flush();
    journal_.save();
  }

  void commit() {
    std::vector<Row> excluded = resumed_ ? ledger_.excluded_keys() : excluded_;
    pending_->commit(excluded);
    pending_.reset();
    kill_point("committed");
    finish_delivered_run();
  }

  // A run that delivered ends by what became of its records: the snapshot is
  // committed either way (failed records are kept out of it and sent again).
  void finish_delivered_run() {
    RunOutcome outcome = run_outcome(sync_.outcome, journal_.record().counts);
    journal_.finish(outcome.phase, outcome.reason, "deliver");
  }

  const config::Sync& sync_;
  std::filesystem::path state_dir_;
  state::StateDb* db_;
  const RunRequest& request_;
  RunJournal& journal_;
  const bool resumed_;
  FailureLedger ledger_;
  const config::Warehouse& warehouse_;
  const config::Destination& destination_;
  const Dialect dialect_;
  const config::Warehouse* writeback_warehouse_;  // null: no writeback (or a dry run)

  std::optional<odbc::Connection> connection_;
  diff::DiffSpec spec_;
  std::vector<std::size_t> key_indexes_, mapped_indexes_;
  std::optional<mappers::CompiledMapping> mapping_;
  std::unique_ptr<DeliveryTarget> target_;
  std::optional<ScratchDir> scratch_;
  std::shared_ptr<diff::local::SnapshotStore> snapshots_;
  std::optional<diff::local::LocalDiffEngine> local_;
  std::unique_ptr<diff::PendingSnapshot> pending_;  // declared after the store and connection it uses
  std::optional<writeback::RunWriteback> writeback_;
  std::vector<Row> excluded_;
  std::atomic<std::uint64_t> rows_read_{0};
  std::uint64_t model_rows_ = 0;
  std::atomic<std::uint64_t> changes_streamed_{0};  // by the feed's producer thread
  std::uint64_t dropped_outcome_count_ = 0;          // BACKFLOW_TEST_FAULT=drop_outcome
  bool left_for_resume_ = false;  // stopped for shutdown, unfinished on purpose
};

// Both diff engines keep an interrupted run's diff (and its change order)
// until the run commits; append runs have no diff to resume from.
bool resumable(const config::Sync& sync, const state::RunRecord& run) {
  if (sync.destination.mode == config::SyncMode::append) return false;
  return run.phase == RunPhase::Guard || run.phase == RunPhase::Deliver || run.phase == RunPhase::Commit;
}

}  // namespace

SyncRunner::SyncRunner(const config::Config& config, std::filesystem::path state_dir, state::StateDb* db)
    : config_(config), state_dir_(std::move(state_dir)), db_(db) {}

RunReport SyncRunner::run(const RunRequest& request) {
  const config::Sync* sync = config_.find_sync(request.sync);
  if (sync == nullptr) throw std::invalid_argument("no sync named '" + request.sync + "' in " + config_.file);
  if (db_ == nullptr && !request.dry_run) throw std::invalid_argument("a run needs the state database");

  std::optional<state::SyncLock> lock;
  if (!request.dry_run || std::filesystem::exists(state_dir_)) {
    std::string holder;
    lock = state::SyncLock::try_acquire(state_dir_, sync->name, &holder);
    if (!lock) {
      throw RunRefused("sync '" + sync->name + "' is already running" + (holder.empty() ? "" : " (" + holder + ")"));
    }
  }

  std::optional<state::RunStore> own_runs;
  state::RunStore* runs = request.run_store;
  state::RunRecord record;
  bool resumed = false;
  if (request.dry_run) {
    record.id = "dry-run";
    record.sync = sync->name;
    record.trigger = request.trigger;
    record.full_resync = request.full_resync;
    record.force = request.force;
    record.started_at_ms = now_ms();
  } else {
    if (runs == nullptr) runs = &own_runs.emplace(*db_);
    runs->purge_finished_before(sync->name, now_ms() - sync->retention.count());
    if (request.existing_run) {
      record = *request.existing_run;
      if (record.phase != RunPhase::Queued && resumable(*sync, record) && !record.full_resync) {
        resumed = true;
      } else if (record.phase != RunPhase::Queued) {
        // Interrupted before its diff was durable: start over under its id.
        record.phase = RunPhase::Queued;
        record.counts = {};
        record.checkpoint = {};
      }
    } else if (std::optional<state::RunRecord> unfinished = runs->unfinished(sync->name)) {
      if (resumable(*sync, *unfinished) && !request.full_resync) {
        record = std::move(*unfinished);
        resumed = true;
      } else {
        RunJournal abandoned(runs, std::move(*unfinished));
        abandoned.finish(RunPhase::Failed, "interrupted (the process ended) in phase " +
                                               std::string(state::to_string(abandoned.record().phase)) +
                                               "; the next run started over");
      }
    }
    if (!resumed && !request.existing_run) {
      record = runs->create(sync->name, request.full_resync ? state::RunTrigger::Resync : request.trigger,
                            request.full_resync, request.force, now_ms());
    }
  }
  if (lock) lock->describe("pid " + std::to_string(::getpid()) + ", run " + record.id);

  RunJournal journal(request.dry_run ? nullptr : runs, std::move(record));
  RunExecution execution(config_, *sync, state_dir_, db_, request, journal, resumed);
  return execution.execute();
}

}  // namespace backflow::runner
