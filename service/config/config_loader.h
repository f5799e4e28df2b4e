// Loads and validates a backflow config file (design §6; every key is
// documented in docs/config-reference.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/config/config.h"
#include "service/config/diagnostic.h"
#include "service/config/env_expansion.h"
#include "service/config/raw_text_checks.h"

namespace backflow::config {

struct LoadOptions {
  EnvLookup env = process_environment();  // for ${NAME}
  std::uintmax_t max_file_bytes = kMaxConfigBytes;
};

// Either a config (no diagnostics) or every error found (no config).
struct LoadResult {
  std::optional<Config> config;
  std::vector<Diagnostic> diagnostics;  // in file order
  bool ok() const { return config.has_value(); }
};

// Reads, parses and checks the file: YAML syntax, key names, types, values,
// cross-references (warehouses, destinations, `after:` syncs and cycles),
// cron expressions, time zones and durations. Collects all errors rather
// than stopping at the first. Never throws for a bad config; I/O problems
// with the file itself are diagnostics too.
LoadResult load_config(const std::filesystem::path& file, const LoadOptions& options = {});

// The same for text already in memory; `file_label` names it in messages.
LoadResult load_config_text(std::string_view text, const std::string& file_label, const LoadOptions& options = {});

// load_config, throwing ConfigError (holding all diagnostics) on any error.
Config load_config_or_throw(const std::filesystem::path& file, const LoadOptions& options = {});

}  // namespace backflow::config
