// A SyncController for tests and the dashboard fixture, standing in for the
// scheduler: syncs are declared by the test, and actions work on the real
// state stores (a trigger creates a real queued run in the RunStore, cancel
// ends it, retry revives dead records in the FailureStore).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "service/api/sync_controller.h"
#include "state/failure_store.h"
#include "state/run_store.h"

namespace backflow::test {

class TestSyncController : public api::SyncController {
 public:
  // The stores must outlive the controller. Thread-safe.
  TestSyncController(state::RunStore& runs, state::FailureStore& failures);

  // Declares a sync (its state and current run are derived from the runs).
  void add_sync(api::SyncSummary summary);
  // Declares a destination with its request log.
  void add_destination(const std::string& name, nlohmann::json request_log);
  void set_ready(bool ready);
  // The next reload_config() fails with `error` (nullopt: succeeds).
  void set_reload_error(std::optional<std::string> error);
  int reloads() const;

  // Ends run `run_id` in `phase` with `counts` at `ended_ms`, as the runner
  // would. Throws std::runtime_error for an unknown run.
  state::RunRecord finish_run(const std::string& run_id, state::RunPhase phase, const state::RunCounts& counts,
                              std::int64_t ended_ms);

  std::vector<api::SyncSummary> list_syncs() const override;
  std::optional<api::SyncSummary> find_sync(const std::string& name) const override;
  std::string trigger(const std::string& name, bool full_resync, bool force) override;
  void pause(const std::string& name) override;
  void resume(const std::string& name) override;
  void cancel(const std::string& run_id) override;
  std::size_t retry_dead(const std::string& name) override;
  void reload_config() override;
  nlohmann::json request_log(const std::string& destination) const override;
  bool ready() const override;

 private:
  api::SyncSummary with_live_state(api::SyncSummary summary) const;
  void require_sync_locked(const std::string& name) const;

  state::RunStore& runs_;
  state::FailureStore& failures_;
  mutable std::mutex mutex_;
  std::map<std::string, api::SyncSummary> syncs_;
  std::map<std::string, nlohmann::json> destinations_;
  bool ready_ = true;
  std::optional<std::string> reload_error_;
  int reloads_ = 0;
};

std::int64_t now_ms();

}  // namespace backflow::test
