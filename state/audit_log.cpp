#include "state/audit_log.h"

#include <rocksdb/write_batch.h>

#include "state/key_codec.h"

namespace backflow::state {
namespace {

constexpr std::string_view kPrefix = "audit/";

std::string entry_key(std::uint64_t sequence) {
  std::string key(kPrefix);
  append_u64(key, sequence);
  return key;
}

AuditEntry entry_from_json(const nlohmann::json& json) {
  AuditEntry entry;
  entry.sequence = json.at("sequence").get<std::uint64_t>();
  entry.at_ms = json.at("at_ms").get<std::int64_t>();
  entry.actor = json.at("actor").get<std::string>();
  entry.role = json.at("role").get<std::string>();
  entry.action = json.at("action").get<std::string>();
  entry.target = json.at("target").get<std::string>();
  entry.status = json.at("status").get<int>();
  entry.detail = json.at("detail").get<std::string>();
  return entry;
}

}  // namespace

nlohmann::json to_json(const AuditEntry& entry) {
  return {{"sequence", entry.sequence}, {"at_ms", entry.at_ms},   {"actor", entry.actor},
          {"role", entry.role},         {"action", entry.action}, {"target", entry.target},
          {"status", entry.status},     {"detail", entry.detail}};
}

AuditLog::AuditLog(StateDb& db) : db_(db) {
  db_.scan(
      kPrefix,
      [&](std::string_view key, std::string_view) {
        next_ = read_u64(key, kPrefix.size()) + 1;
        return false;
      },
      true);
}

std::uint64_t AuditLog::append(AuditEntry entry) {
  std::lock_guard lock(mutex_);
  entry.sequence = next_++;
  rocksdb::WriteBatch batch;
  const std::string value = to_json(entry).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  batch.Put(entry_key(entry.sequence), value);
  if (entry.sequence > kMaxEntries) batch.Delete(entry_key(entry.sequence - kMaxEntries));
  db_.write(batch, true);
  return entry.sequence;
}

std::vector<AuditEntry> AuditLog::list(std::size_t limit, std::optional<std::uint64_t> before_sequence) const {
  std::vector<AuditEntry> entries;
  db_.scan(
      kPrefix,
      [&](std::string_view key, std::string_view value) {
        if (entries.size() >= limit) return false;
        if (before_sequence && read_u64(key, kPrefix.size()) >= *before_sequence) return true;
        entries.push_back(entry_from_json(nlohmann::json::parse(value)));
        return true;
      },
      true);
  return entries;
}

}  // namespace backflow::state
