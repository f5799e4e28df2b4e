// Who did what through the API, and when: one entry per operator action
// (trigger, pause, resume, cancel, retry, config reload), refused ones
// included. Kept in the state store, newest first, at most kMaxEntries.
#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "state/state_db.h"

namespace backflow::state {

struct AuditEntry {
  std::uint64_t sequence = 0;  // assigned by append(): increasing
  std::int64_t at_ms = 0;      // Unix epoch milliseconds
  std::string actor;           // the token's name ("anonymous" without authentication)
  std::string role;            // the token's role
  std::string action;          // "trigger", "pause", "config.reload", ...
  std::string target;          // the sync or run acted on; "" for the service
  int status = 0;              // the HTTP status answered
  std::string detail;          // e.g. "full_resync", or why it was refused
};

nlohmann::json to_json(const AuditEntry& entry);

class AuditLog {
 public:
  static constexpr std::size_t kMaxEntries = 10'000;

  // `db` must outlive the log. Thread-safe.
  explicit AuditLog(StateDb& db);

  // Stores `entry` durably with the next sequence number (returned); trims
  // the oldest entries beyond kMaxEntries.
  std::uint64_t append(AuditEntry entry);

  // Newest first, at most `limit`, older than `before_sequence` when given.
  std::vector<AuditEntry> list(std::size_t limit, std::optional<std::uint64_t> before_sequence = std::nullopt) const;

 private:
  StateDb& db_;
  std::mutex mutex_;
  std::uint64_t next_ = 1;
};

}  // namespace backflow::state
