// Re-reads the config file on SIGHUP or POST /api/v1/config/reload and puts
// the new one in force (scheduler, alerts), or refuses it whole, keeping the
// old one, when it has errors.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "service/alerts/alert_monitor.h"
#include "service/config/config_loader.h"
#include "service/scheduler/scheduler.h"

namespace backflow::serve {

// The new config was refused; what() lists its errors, one per line, as
// `backflow validate` prints them.
class ConfigRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ConfigReloader {
 public:
  // `scheduler` and `alerts` must outlive the reloader. Thread-safe: reloads
  // are serialised.
  ConfigReloader(std::filesystem::path file, config::LoadOptions options, scheduler::Scheduler& scheduler,
                 alerts::AlertMonitor& alerts);

  // Loads the file and applies it. Throws ConfigRefused (after logging the
  // errors) when it has errors. Settings only read at start (server.*,
  // state_dir) are kept, with a warning when they changed.
  void reload();

 private:
  std::filesystem::path file_;
  config::LoadOptions options_;
  scheduler::Scheduler& scheduler_;
  alerts::AlertMonitor& alerts_;
  std::mutex mutex_;
};

}  // namespace backflow::serve
