// What the HTTP API needs from the part of the service that owns the syncs
// (the scheduler): their summaries, and the operator's actions on them. The
// API never schedules or runs anything itself; it calls this interface.
// Implementations must be thread-safe: the API calls them from its request
// threads, concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace backflow::api {

// One sync as configured and as it stands now.
struct SyncSummary {
  std::string name;
  std::string source;       // e.g. "analytics: public.customers"
  std::string destination;  // the destination's name in the config
  std::string object;       // the destination object (contacts, ...), may be empty
  std::string mode;         // upsert | mirror | ...
  std::string schedule;     // the schedule as written: "*/15 * * * *", "every 10m", "after a, b", "manual"
  bool paused = false;
  std::string state = "idle";                 // idle | queued | running
  std::optional<std::string> current_run_id;  // set while queued or running
  std::optional<std::int64_t> next_run_ms;    // unix epoch ms; none for manual, after: or paused syncs
  std::uint64_t failing_records = 0;          // failed records still retried by the next runs
  std::uint64_t dead_records = 0;             // failed retry.max_attempts times; wait for a change or a retry
};

// An action the controller refuses, with the reason an operator reads.
class ControlError : public std::runtime_error {
 public:
  enum class Kind {
    NotFound,  // no such sync, run or destination
    Conflict,  // not possible in the current state (already running, already finished)
    Invalid,   // the request itself makes no sense (e.g. a bad config on reload)
  };
  ControlError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class SyncController {
 public:
  virtual ~SyncController() = default;

  // Every configured sync, ordered by name.
  virtual std::vector<SyncSummary> list_syncs() const = 0;
  // The sync named `name`, or nullopt.
  virtual std::optional<SyncSummary> find_sync(const std::string& name) const = 0;

  // Starts a run of `name` now and returns its run id. Throws ControlError
  // NotFound for an unknown sync, Conflict when the sync has a run queued or
  // running.
  virtual std::string trigger(const std::string& name, bool full_resync, bool force) = 0;

  // Stops scheduling `name` / schedules it again. Idempotent. Throws
  // ControlError NotFound for an unknown sync.
  virtual void pause(const std::string& name) = 0;
  virtual void resume(const std::string& name) = 0;

  // Asks the run to stop at its next safe point. Throws ControlError NotFound
  // for an unknown run, Conflict for a run that already ended.
  virtual void cancel(const std::string& run_id) = 0;

  // Makes the sync's dead records due again; returns how many. Throws
  // ControlError NotFound for an unknown sync.
  virtual std::size_t retry_dead(const std::string& name) = 0;

  // Re-reads the config. Throws ControlError Invalid with the config's
  // errors when it is refused (the old config then stays in force).
  virtual void reload_config() = 0;

  // The destination's recent requests, redacted, newest first, as a JSON
  // array. Throws ControlError NotFound for an unknown destination.
  virtual nlohmann::json request_log(const std::string& destination) const = 0;

  // True once the service has loaded its config and state and schedules.
  virtual bool ready() const = 0;
};

}  // namespace backflow::api
