#include "service/serve/config_reloader.h"

#include <spdlog/spdlog.h>

namespace backflow::serve {

ConfigReloader::ConfigReloader(std::filesystem::path file, config::LoadOptions options,
                               scheduler::Scheduler& scheduler, alerts::AlertMonitor& alerts)
    : file_(std::move(file)), options_(std::move(options)), scheduler_(scheduler), alerts_(alerts) {}

void ConfigReloader::reload() {
  std::lock_guard lock(mutex_);
  config::LoadResult result;
  try {
    result = config::load_config(file_, options_);
  } catch (const std::exception& e) {
    // load_config reports bad configs as diagnostics; anything it throws
    // (out of memory on a hostile file) must still leave the old config
    // running and reach the caller as a refusal.
    spdlog::error("config reload refused, the old config stays: file={} error={}", file_.string(), e.what());
    throw ConfigRefused(std::string("could not load ") + file_.string() + ": " + e.what());
  }
  if (!result.ok()) {
    std::string errors;
    for (const auto& diagnostic : result.diagnostics) {
      errors += (errors.empty() ? "" : "\n") + config::format_diagnostic(diagnostic);
    }
    spdlog::error("config reload refused, the old config stays: file={} errors={}", file_.string(),
                  result.diagnostics.size());
    for (const auto& diagnostic : result.diagnostics) spdlog::error("  {}", config::format_diagnostic(diagnostic));
    throw ConfigRefused(errors);
  }
  auto fresh = std::make_shared<const config::Config>(std::move(*result.config));
  auto current = scheduler_.config();
  const auto& old_server = current->server;
  auto token_text = [](const config::ServerConfig& server) {
    std::string text;
    for (const auto& t : server.tokens) text += t.name + '\0' + t.token + '\0' + t.role + '\0';
    return text;
  };
  if (fresh->server.listen != old_server.listen || fresh->server.auth_token != old_server.auth_token ||
      token_text(fresh->server) != token_text(old_server) ||
      fresh->server.workers != old_server.workers || fresh->state_dir != current->state_dir) {
    spdlog::warn("config reload: server settings and state_dir take effect at the next start only");
  }
  alerts_.set_targets(fresh->alerts);
  scheduler_.apply_config(fresh);
  spdlog::info("config reloaded: file={} syncs={}", file_.string(), fresh->syncs.size());
}

}  // namespace backflow::serve
