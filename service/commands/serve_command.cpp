// `backflow serve -c FILE [--shard i/n] [--listen HOST:PORT]`: the scheduler,
// the HTTP API, the dashboard, metrics and alerts, until SIGTERM or SIGINT.
// SIGHUP reloads the config. Exit: 0 after a clean stop, 2 for usage or
// config errors, 1 when the service cannot start (state held elsewhere,
// address in use).
#include <spdlog/spdlog.h>

#include "service/commands/commands.h"
#include "service/config/config_loader.h"
#include "service/scheduler/shard.h"
#include "service/serve/runner_executor.h"
#include "service/serve/serve_service.h"
#include "service/serve/service_logging.h"
#include "service/serve/signal_waiter.h"

namespace backflow::cli {

int command_serve(const Args& args, std::ostream& out, std::ostream& err) {
  if (!args.has("--config") || args.get("--config").empty() || !args.positional.empty()) {
    err << "usage: backflow serve -c FILE [--shard i/n] [--listen HOST:PORT]\n";
    return kExitUsage;
  }
  serve::ServeOptions options;
  options.config_file = args.get("--config");
  options.listen_override = args.get("--listen");
  if (args.has("--shard")) {
    try {
      options.shard = scheduler::parse_shard(args.get("--shard"));
    } catch (const std::invalid_argument& e) {
      err << "backflow serve: " << e.what() << "\n";
      return kExitUsage;
    }
  }
  auto loaded = config::load_config(options.config_file, options.load_options);
  if (!loaded.ok()) {
    for (const auto& diagnostic : loaded.diagnostics) err << config::format_diagnostic(diagnostic) << "\n";
    err << loaded.diagnostics.size() << " error" << (loaded.diagnostics.size() == 1 ? "" : "s") << " in "
        << options.config_file.string() << "\n";
    return kExitUsage;
  }
  // Before any thread starts, so that every thread inherits the blocked mask.
  serve::SignalWaiter signals;
  serve::configure_service_logging();
  scheduler::SystemClock clock;
  auto config = std::make_shared<const config::Config>(std::move(*loaded.config));
  std::unique_ptr<serve::ServeService> service;
  try {
    service = std::make_unique<serve::ServeService>(config, options, clock, serve::runner_executor_factory());
  } catch (const std::exception& e) {
    spdlog::error("cannot start: {}", e.what());
    err << "backflow serve: " << e.what() << "\n";
    return kExitFailed;
  }
  out << "backflow serve: listening on " << service->api_url() << "\n" << std::flush;
  while (signals.wait() == serve::ServiceSignal::Reload) {
    spdlog::info("SIGHUP: reloading the config");
    try {
      service->reload();
    } catch (const serve::ConfigRefused&) {
      // Logged with every error by the reloader; the old config stays.
    } catch (const std::exception& e) {
      spdlog::error("config reload failed, the old config stays: {}", e.what());
    }
  }
  spdlog::info("stop signal received");
  service->shutdown();
  service.reset();
  return kExitOk;
}

}  // namespace backflow::cli
