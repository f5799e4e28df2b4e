#include "state/record_store.h"

#include <nlohmann/json.hpp>

#include "state/key_codec.h"

namespace backflow::state {
namespace {

// rec/<run>/<key>                 -> result JSON
// rec-status/<run>/<status>/<key> -> ""  (index for listing by status)
// rec-runs/<started ms><run>      -> ""  (the runs that have results, oldest first)
std::string run_prefix(std::string_view family, const std::string& run_id) {
  std::string key(family);
  append_segment(key, run_id);
  return key;
}

std::string by_key(const std::string& run_id, const std::string& record_key) {
  std::string key = run_prefix("rec/", run_id);
  append_segment(key, record_key);
  return key;
}

std::string by_status_prefix(const std::string& run_id, const std::string& status) {
  std::string key = run_prefix("rec-status/", run_id);
  append_segment(key, status);
  return key;
}

RecordResult from_json(std::string_view text) { return record_result_from_json(nlohmann::json::parse(text)); }

// Reverses append_segment for the last segment of `key` starting at `offset`.
std::string decode_segment(std::string_view key, std::size_t offset) {
  std::string out;
  for (std::size_t i = offset; i < key.size(); ++i) {
    if (key[i] == '\0') {
      if (i + 1 < key.size() && key[i + 1] == '\xff') {
        out.push_back('\0');
        ++i;
        continue;
      }
      break;
    }
    out.push_back(key[i]);
  }
  return out;
}

}  // namespace

nlohmann::json to_json(const RecordResult& r) {
  return {{"key", r.key}, {"op", r.op}, {"status", r.status}, {"http_status", r.http_status}, {"message", r.message}};
}

RecordResult record_result_from_json(const nlohmann::json& j) {
  return {j.at("key"), j.at("op"), j.at("status"), j.at("http_status"), j.at("message")};
}

RecordStore::RecordStore(StateDb& db) : db_(db) {}

void RecordStore::add(const std::string& run_id, std::int64_t run_started_ms,
                      const std::vector<RecordResult>& results, bool durable) {
  rocksdb::WriteBatch batch;
  std::string run_index = "rec-runs/";
  append_u64(run_index, static_cast<std::uint64_t>(run_started_ms));
  append_segment(run_index, run_id);
  batch.Put(run_index, "");
  for (const auto& r : results) {
    const std::string primary = by_key(run_id, r.key);
    if (auto previous = db_.get(primary)) {
      std::string stale = by_status_prefix(run_id, from_json(*previous).status);
      append_segment(stale, r.key);
      batch.Delete(stale);
    }
    std::string index = by_status_prefix(run_id, r.status);
    append_segment(index, r.key);
    batch.Put(primary, to_json(r).dump());
    batch.Put(index, "");
  }
  db_.write(batch, durable);
}

std::optional<RecordResult> RecordStore::find(const std::string& run_id, const std::string& key) const {
  auto stored = db_.get(by_key(run_id, key));
  if (!stored) return std::nullopt;
  return from_json(*stored);
}

RecordPage RecordStore::list(const std::string& run_id, const std::optional<std::string>& status,
                             std::size_t limit, const std::optional<std::string>& cursor) const {
  RecordPage page;
  const std::string prefix = status ? by_status_prefix(run_id, *status) : run_prefix("rec/", run_id);
  db_.scan(prefix, [&](std::string_view k, std::string_view v) {
    std::string record_key = decode_segment(k, prefix.size());
    if (cursor && record_key <= *cursor) return true;
    if (page.records.size() == limit) {
      page.next_cursor = page.records.back().key;
      return false;
    }
    if (status) {
      if (auto found = find(run_id, record_key)) page.records.push_back(std::move(*found));
    } else {
      page.records.push_back(from_json(v));
    }
    return true;
  });
  return page;
}

void RecordStore::purge_run(const std::string& run_id, std::int64_t run_started_ms) {
  rocksdb::WriteBatch batch;
  for (std::string_view family : {"rec/", "rec-status/"}) {
    std::string begin = run_prefix(family, run_id);
    std::string end = begin;
    end.back() = '\x02';  // just past every key under this run's segment
    batch.DeleteRange(begin, end);
  }
  std::string run_index = "rec-runs/";
  append_u64(run_index, static_cast<std::uint64_t>(run_started_ms));
  append_segment(run_index, run_id);
  batch.Delete(run_index);
  db_.write(batch, /*durable=*/false);
}

}  // namespace backflow::state
