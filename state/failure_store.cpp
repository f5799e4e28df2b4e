#include "state/failure_store.h"

#include <nlohmann/json.hpp>

#include "state/key_codec.h"

namespace backflow::state {
namespace {

std::string sync_prefix(const std::string& sync) {
  std::string key = "fail/";
  append_segment(key, sync);
  return key;
}

std::string failure_key(const std::string& sync, const std::string& record_key) {
  std::string key = sync_prefix(sync);
  append_segment(key, record_key);
  return key;
}

FailedRecord from_json(std::string_view text) {
  auto j = nlohmann::json::parse(text);
  return {j.at("key"), j.at("attempts"), j.at("dead"), j.at("last_run_id"), j.at("last_error")};
}

}  // namespace

FailureStore::FailureStore(StateDb& db) : db_(db) {}

void FailureStore::save(const std::string& sync, const FailedRecord& r) {
  nlohmann::json j = {{"key", r.key}, {"attempts", r.attempts}, {"dead", r.dead},
                      {"last_run_id", r.last_run_id}, {"last_error", r.last_error}};
  db_.put(failure_key(sync, r.key), j.dump(), /*durable=*/false);
}

FailedRecord FailureStore::record_failure(const std::string& sync, const std::string& key,
                                          const std::string& run_id, const std::string& error,
                                          std::uint32_t max_attempts) {
  FailedRecord record = find(sync, key).value_or(FailedRecord{key, 0, false, "", ""});
  record.attempts += 1;
  record.dead = record.attempts >= max_attempts;
  record.last_run_id = run_id;
  record.last_error = error;
  save(sync, record);
  return record;
}

void FailureStore::forget(const std::string& sync, const std::string& key) {
  rocksdb::WriteBatch batch;
  batch.Delete(failure_key(sync, key));
  db_.write(batch, /*durable=*/false);
}

std::optional<FailedRecord> FailureStore::find(const std::string& sync, const std::string& key) const {
  auto stored = db_.get(failure_key(sync, key));
  if (!stored) return std::nullopt;
  return from_json(*stored);
}

void FailureStore::for_each(const std::string& sync, bool dead_only,
                            const std::function<bool(const FailedRecord&)>& visit) const {
  db_.scan(sync_prefix(sync), [&](std::string_view, std::string_view value) {
    FailedRecord record = from_json(value);
    if (dead_only && !record.dead) return true;
    return visit(record);
  });
}

std::size_t FailureStore::revive_dead(const std::string& sync) {
  std::vector<FailedRecord> dead;
  for_each(sync, true, [&](const FailedRecord& r) {
    dead.push_back(r);
    return true;
  });
  for (auto& record : dead) {
    record.dead = false;
    record.attempts = 0;
    save(sync, record);
  }
  return dead.size();
}

}  // namespace backflow::state
