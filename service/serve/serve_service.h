// Everything `backflow serve` runs, assembled: the state stores, the
// scheduler over a run executor, alerts, metrics, and the HTTP API with the
// dashboard. The command (service/commands/serve_command.cpp) adds the
// process concerns: config loading, signals, exit codes.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "service/alerts/alert_monitor.h"
#include "service/alerts/alert_sender.h"
#include "service/alerts/alert_state_store.h"
#include "service/api/api_server.h"
#include "service/config/config_loader.h"
#include "service/metrics/registry.h"
#include "service/metrics/service_metrics.h"
#include "service/scheduler/clock.h"
#include "service/scheduler/run_executor.h"
#include "service/scheduler/schedule_state_store.h"
#include "service/scheduler/scheduler.h"
#include "service/serve/config_reloader.h"
#include "service/serve/observer_list.h"
#include "service/serve/run_metrics_observer.h"
#include "service/serve/serve_controller.h"
#include "state/failure_store.h"
#include "state/record_store.h"
#include "state/run_store.h"
#include "state/state_db.h"

namespace backflow::serve {

// Builds the run executor once the state is open (the runner needs it).
// `runs` is the service's only RunStore: run ids come from its in-memory
// sequence, so every run record must be created and saved through it.
using ExecutorFactory = std::function<std::unique_ptr<scheduler::RunExecutor>(
    const config::Config& config, const std::filesystem::path& state_dir, state::StateDb& db,
    state::RunStore& runs)>;

struct ServeOptions {
  std::filesystem::path config_file;  // re-read on reload
  config::LoadOptions load_options;
  scheduler::Shard shard;
  std::string listen_override;  // non-empty: listen here instead of server.listen (tests)
};

class ServeService {
 public:
  // Opens the state under config->state_dir, starts the scheduler (resuming
  // interrupted runs) and the API. Throws state::StateError when the state
  // is held by another process, std::runtime_error when the API cannot
  // listen. `clock` must outlive the service.
  ServeService(std::shared_ptr<const config::Config> config, ServeOptions options, scheduler::Clock& clock,
               const ExecutorFactory& make_executor);
  ~ServeService();  // shutdown() with the configured grace if not done yet
  ServeService(const ServeService&) = delete;
  ServeService& operator=(const ServeService&) = delete;

  // Re-reads the config file. Throws ConfigRefused when it has errors.
  void reload() { reloader_->reload(); }

  // Stops taking runs, lets running ones stop within server.shutdown_grace,
  // sends the alerts still queued (briefly), then stops the API. Returns
  // false when a run did not stop in time. Idempotent.
  bool shutdown();

  std::string api_url() const { return api_->base_url(); }
  scheduler::Scheduler& scheduler() { return *scheduler_; }
  state::RunStore& runs() { return *runs_; }
  alerts::AlertSender& alert_sender() { return alert_sender_; }

 private:
  std::shared_ptr<const config::Config> initial_config_;
  std::unique_ptr<state::StateDb> db_;
  std::unique_ptr<state::RunStore> runs_;
  std::unique_ptr<state::RecordStore> records_;
  std::unique_ptr<state::FailureStore> failures_;
  std::unique_ptr<scheduler::ScheduleStateStore> schedule_state_;
  std::unique_ptr<alerts::AlertStateStore> alert_state_;
  metrics::Registry registry_;
  metrics::ServiceMetrics metrics_{registry_};
  alerts::AlertSender alert_sender_;
  std::unique_ptr<alerts::AlertMonitor> alert_monitor_;
  std::unique_ptr<RunMetricsObserver> run_metrics_;
  std::unique_ptr<ObserverList> observers_;
  std::unique_ptr<scheduler::RunExecutor> executor_;
  std::unique_ptr<scheduler::Scheduler> scheduler_;
  std::unique_ptr<ConfigReloader> reloader_;
  std::unique_ptr<ServeController> controller_;
  std::unique_ptr<state::AuditLog> audit_;
  std::unique_ptr<api::ApiServer> api_;
  bool stopped_ = false;
  bool clean_stop_ = true;
};

}  // namespace backflow::serve
