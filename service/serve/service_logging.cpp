#include "service/serve/service_logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

namespace backflow::serve {

void configure_service_logging() {
  auto logger = spdlog::get("backflow");
  if (!logger) logger = spdlog::stderr_logger_mt("backflow");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  const char* level = std::getenv("BACKFLOW_LOG_LEVEL");
  logger->set_level(level ? spdlog::level::from_str(level) : spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace backflow::serve
