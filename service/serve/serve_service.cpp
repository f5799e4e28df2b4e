#include "service/serve/serve_service.h"

#include <spdlog/spdlog.h>

#include "service/serve/rate_limit_metrics.h"

namespace backflow::serve {

ServeService::ServeService(std::shared_ptr<const config::Config> config, ServeOptions options,
                           scheduler::Clock& clock, const ExecutorFactory& make_executor)
    : initial_config_(config) {
  const std::filesystem::path state_dir = config->state_dir;
  db_ = state::StateDb::open(state_dir / "state");
  runs_ = std::make_unique<state::RunStore>(*db_);
  records_ = std::make_unique<state::RecordStore>(*db_);
  failures_ = std::make_unique<state::FailureStore>(*db_);
  schedule_state_ = std::make_unique<scheduler::ScheduleStateStore>(*db_);
  alert_state_ = std::make_unique<alerts::AlertStateStore>(*db_);
  alert_monitor_ = std::make_unique<alerts::AlertMonitor>(config->alerts, alert_sender_, alert_state_.get());
  run_metrics_ = std::make_unique<RunMetricsObserver>(metrics_);
  collect_rate_limit_metrics(registry_, metrics_);
  observers_ = std::make_unique<ObserverList>(
      std::vector<scheduler::SchedulerObserver*>{run_metrics_.get(), alert_monitor_.get()});
  executor_ = make_executor(*config, state_dir, *db_, *runs_);

  scheduler::Scheduler::Options scheduler_options;
  scheduler_options.workers = config->server.workers;
  scheduler_options.shard = options.shard;
  scheduler_ = std::make_unique<scheduler::Scheduler>(config, scheduler_options, clock, *executor_, *runs_,
                                                      *schedule_state_, observers_.get());
  reloader_ = std::make_unique<ConfigReloader>(options.config_file, options.load_options, *scheduler_,
                                               *alert_monitor_);
  controller_ = std::make_unique<ServeController>(*scheduler_, *failures_, *reloader_);

  api::ApiServer::Options api_options;
  api_options.listen = options.listen_override.empty() ? config->server.listen : options.listen_override;
  api_options.auth_token = config->server.auth_token;
  for (const auto& token : config->server.tokens) {
    api_options.tokens.push_back(api::ApiToken{token.name, token.token, *api::role_from_string(token.role)});
  }
  audit_ = std::make_unique<state::AuditLog>(*db_);
  api_options.audit = audit_.get();
  if (config->server.tls) api_options.tls = http::TlsFiles{config->server.tls->cert_file, config->server.tls->key_file};
  api_ = std::make_unique<api::ApiServer>(api_options, *controller_, *runs_, *records_, registry_);

  db_->announce_api(api_->base_url());
  scheduler_->start();
  controller_->set_ready(true);
  spdlog::info("serving: api={} syncs={} shard={} workers={} state_dir={}", api_->base_url(),
               scheduler_->list().size(), options.shard.to_string(), scheduler_options.workers, state_dir.string());
}

ServeService::~ServeService() {
  shutdown();
  if (!clean_stop_) {
    // A run ignored its stop request past the grace period: its worker
    // thread cannot be joined, and the state is durable at every
    // checkpoint, so the process ends here.
    spdlog::default_logger()->flush();
    std::_Exit(0);
  }
}

bool ServeService::shutdown() {
  if (stopped_) return clean_stop_;
  stopped_ = true;
  controller_->set_ready(false);
  auto grace = initial_config_->server.shutdown_grace;
  spdlog::info("stopping: no new runs, waiting up to {} ms for running runs to stop", grace.count());
  clean_stop_ = scheduler_->shutdown(grace);
  if (!clean_stop_) spdlog::warn("stopping: runs still going after the grace period; they resume at the next start");
  alert_sender_.flush(std::chrono::seconds(2));
  api_.reset();
  spdlog::info("stopped");
  return clean_stop_;
}

}  // namespace backflow::serve
