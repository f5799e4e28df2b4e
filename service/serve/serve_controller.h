// The API's SyncController over the scheduler: what the HTTP API and the
// dashboard show and do (service/api/sync_controller.h) mapped onto
// scheduler::Scheduler, the failure store, the destinations' request logs
// and the config reloader.
#pragma once

#include <atomic>

#include "service/api/sync_controller.h"
#include "service/scheduler/scheduler.h"
#include "service/serve/config_reloader.h"
#include "state/failure_store.h"

namespace backflow::serve {

class ServeController : public api::SyncController {
 public:
  // Every reference must outlive the controller. Thread-safe. ready() is
  // false until set_ready(true).
  ServeController(scheduler::Scheduler& scheduler, state::FailureStore& failures, ConfigReloader& reloader);

  void set_ready(bool ready) { ready_ = ready; }

  std::vector<api::SyncSummary> list_syncs() const override;
  std::optional<api::SyncSummary> find_sync(const std::string& name) const override;
  std::string trigger(const std::string& name, bool full_resync, bool force) override;
  void pause(const std::string& name) override;
  void resume(const std::string& name) override;
  void cancel(const std::string& run_id) override;
  std::size_t retry_dead(const std::string& name) override;
  void reload_config() override;
  nlohmann::json request_log(const std::string& destination) const override;
  bool ready() const override { return ready_; }

 private:
  // summarize() plus the sync's failing and dead record counts.
  api::SyncSummary summarize_with_failures(const scheduler::SyncStatus& status) const;

  scheduler::Scheduler& scheduler_;
  state::FailureStore& failures_;
  ConfigReloader& reloader_;
  std::atomic<bool> ready_{false};
};

// The API's view of one scheduled sync.
api::SyncSummary summarize(const scheduler::SyncStatus& status);

// A destination's request log entries as JSON, newest first.
nlohmann::json request_log_json(const std::string& destination);

}  // namespace backflow::serve
