#include "state/run_store.h"

#include <cstdio>
#include <limits>

#include "state/key_codec.h"
#include "state/record_store.h"

namespace backflow::state {
namespace {

constexpr std::string_view kRunPrefix = "run/";
constexpr std::string_view kSyncIndexPrefix = "sync-runs/";
constexpr std::string_view kSequenceKey = "meta/next-run-sequence";

std::string run_key(const std::string& id) { return std::string(kRunPrefix) + id; }

std::string sync_index_prefix(const std::string& sync) {
  std::string key(kSyncIndexPrefix);
  append_segment(key, sync);
  return key;
}

std::string format_id(std::uint64_t sequence) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "run-%08llu", static_cast<unsigned long long>(sequence));
  return buf;
}

}  // namespace

RunStore::RunStore(StateDb& db) : db_(db) {
  if (auto stored = db_.get(kSequenceKey)) next_sequence_ = std::stoull(*stored);
}

std::uint64_t RunStore::sequence_of(const std::string& id) {
  if (id.rfind("run-", 0) != 0) return 0;
  try {
    return std::stoull(id.substr(4));
  } catch (const std::exception&) {
    return 0;
  }
}

RunRecord RunStore::create(const std::string& sync, RunTrigger trigger, bool full_resync, bool force,
                           std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  RunRecord run;
  std::uint64_t sequence = next_sequence_++;
  run.id = format_id(sequence);
  run.sync = sync;
  run.trigger = trigger;
  run.full_resync = full_resync;
  run.force = force;
  run.started_at_ms = now_ms;

  std::string index_key = sync_index_prefix(sync);
  append_u64(index_key, sequence);
  rocksdb::WriteBatch batch;
  batch.Put(kSequenceKey, std::to_string(next_sequence_));
  batch.Put(index_key, run.id);
  batch.Put(run_key(run.id), to_json(run).dump());
  db_.write(batch, /*durable=*/true);
  return run;
}

void RunStore::save(const RunRecord& run) { db_.put(run_key(run.id), to_json(run).dump(), /*durable=*/true); }

std::size_t RunStore::purge_finished_before(const std::string& sync, std::int64_t cutoff_ms) {
  bool finished_kept = false, verdict_kept = false, success_kept = false;
  std::vector<RunRecord> expired;
  for (RunRecord& run : list(sync, std::numeric_limits<std::size_t>::max())) {  // newest first
    if (!is_terminal(run.phase)) continue;
    bool keep = !finished_kept;
    finished_kept = true;
    if (run.phase != RunPhase::Cancelled && !verdict_kept) keep = verdict_kept = true;
    if (run.phase == RunPhase::Succeeded && !success_kept) keep = success_kept = true;
    if (!keep && run.started_at_ms < cutoff_ms) expired.push_back(std::move(run));
  }
  RecordStore records(db_);
  for (const RunRecord& run : expired) {
    // Results first: a purge cut short leaves the run record, which the next
    // purge finds again.
    records.purge_run(run.id, run.started_at_ms);
    std::string index_key = sync_index_prefix(run.sync);
    append_u64(index_key, sequence_of(run.id));
    rocksdb::WriteBatch batch;
    batch.Delete(index_key);
    batch.Delete(run_key(run.id));
    db_.write(batch, /*durable=*/false);
  }
  return expired.size();
}

std::optional<RunRecord> RunStore::get(const std::string& id) const {
  auto stored = db_.get(run_key(id));
  if (!stored) return std::nullopt;
  return run_from_json(nlohmann::json::parse(*stored));
}

std::vector<RunRecord> RunStore::list(const std::string& sync, std::size_t limit,
                                      const std::optional<std::string>& before_id) const {
  std::vector<RunRecord> runs;
  if (limit == 0) return runs;
  const std::string prefix = sync_index_prefix(sync);
  const std::uint64_t before = before_id ? sequence_of(*before_id) : UINT64_MAX;
  db_.scan(
      prefix,
      [&](std::string_view key, std::string_view id) {
        if (read_u64(key, prefix.size()) >= before) return true;
        if (auto run = get(std::string(id))) runs.push_back(std::move(*run));
        return runs.size() < limit;
      },
      /*reverse=*/true);
  return runs;
}

std::optional<RunRecord> RunStore::unfinished(const std::string& sync) const {
  auto latest = list(sync, 1);
  if (latest.empty() || is_terminal(latest.front().phase)) return std::nullopt;
  return latest.front();
}

}  // namespace backflow::state
