// `backflow status -c FILE [SYNC] [--json]`: each sync's last runs, whether
// one is unfinished, and its failed / dead record counts.
#include <filesystem>

#include "common/text.h"
#include "service/commands/commands.h"
#include "service/commands/unknown_sync.h"
#include "service/commands/run_output.h"
#include "service/commands/service_client.h"
#include "service/config/config_loader.h"
#include "state/failure_store.h"
#include "state/run_store.h"
#include "state/state_db.h"

namespace backflow::cli {

namespace {

constexpr std::size_t kRunsShown = 5;

struct FailureCounts {
  std::uint64_t failing = 0, dead = 0;
};

FailureCounts count_failures(const state::FailureStore& failures, const std::string& sync) {
  FailureCounts counts;
  failures.for_each(sync, false, [&](const state::FailedRecord& record) {
    if (record.dead) ++counts.dead;
    else ++counts.failing;
    return true;
  });
  return counts;
}

// The same report, from the API of the `serve` that holds the state.
int status_through_service(const std::string& api_url, const config::Config& config,
                           const std::vector<const config::Sync*>& syncs, bool json, std::ostream& out) {
  ServiceClient service(api_url, config.server.auth_token);
  nlohmann::json report = nlohmann::json::array();
  if (!json) out << "(from backflow serve at " << api_url << ", which holds the state)\n";
  for (const config::Sync* sync : syncs) {
    const nlohmann::json summary = service.call("GET", "/api/v1/syncs/" + text::percent_encode(sync->name));
    const nlohmann::json page = service.call(
        "GET", "/api/v1/syncs/" + text::percent_encode(sync->name) + "/runs?limit=" + std::to_string(kRunsShown));
    std::vector<state::RunRecord> runs;
    for (const auto& run : page.at("runs")) runs.push_back(state::run_from_json(run));
    const std::string state = runs.empty() ? "never run" : std::string(state::to_string(runs.front().phase));
    const std::uint64_t failing = summary.value("failing_records", std::uint64_t{0});
    const std::uint64_t dead = summary.value("dead_records", std::uint64_t{0});
    if (json) {
      nlohmann::json entry = {{"sync", sync->name}, {"state", state}, {"failing_records", failing},
                              {"dead_records", dead}, {"runs", nlohmann::json::array()}};
      for (const auto& run : runs) entry["runs"].push_back(state::to_json(run));
      report.push_back(std::move(entry));
      continue;
    }
    out << sync->name << "  " << state << "  failing records " << failing << ", dead " << dead << "\n";
    for (const auto& run : runs) print_run_line(run, out);
  }
  if (json) out << report.dump(2) << "\n";
  return kExitOk;
}

}  // namespace

int command_status(const Args& args, std::ostream& out, std::ostream& err) {
  if (!args.has("--config") || args.positional.size() > 1) {
    err << "usage: backflow status -c FILE [SYNC] [--json]\n";
    return kExitUsage;
  }
  auto loaded = config::load_config(args.get("--config"));
  if (!loaded.ok()) {
    for (const auto& diagnostic : loaded.diagnostics) err << config::format_diagnostic(diagnostic) << "\n";
    return kExitUsage;
  }
  const config::Config& config = *loaded.config;
  std::vector<const config::Sync*> syncs;
  if (args.positional.empty()) {
    for (const auto& sync : config.syncs) syncs.push_back(&sync);
  } else if (const config::Sync* sync = config.find_sync(args.positional[0])) {
    syncs.push_back(sync);
  } else {
    err << unknown_sync_message("status", args.positional[0], config, args.get("--config")) << "\n";
    return kExitUsage;
  }
  const std::filesystem::path state_path = std::filesystem::path(config.state_dir) / "state";
  const bool json = args.has("--json");
  nlohmann::json report = nlohmann::json::array();
  try {
    std::unique_ptr<state::StateDb> db;
    if (std::filesystem::exists(state_path)) db = state::StateDb::open(state_path);
    for (const config::Sync* sync : syncs) {
      std::vector<state::RunRecord> runs;
      FailureCounts failures;
      if (db) {
        runs = state::RunStore(*db).list(sync->name, kRunsShown);
        failures = count_failures(state::FailureStore(*db), sync->name);
      }
      const std::string state = runs.empty() ? "never run" : std::string(state::to_string(runs.front().phase));
      if (json) {
        nlohmann::json entry = {{"sync", sync->name},     {"state", state},
                                {"failing_records", failures.failing}, {"dead_records", failures.dead},
                                {"runs", nlohmann::json::array()}};
        for (const auto& run : runs) entry["runs"].push_back(state::to_json(run));
        report.push_back(std::move(entry));
        continue;
      }
      out << sync->name << "  " << state << "  failing records " << failures.failing << ", dead " << failures.dead
          << "\n";
      for (const auto& run : runs) print_run_line(run, out);
    }
  } catch (const state::StateError& e) {
    // `serve` holds the state: ask it instead.
    const auto api_url = state::StateDb::announced_api(state_path);
    if (!api_url) {
      err << "backflow status: " << e.what() << "\n";
      return kExitFailed;
    }
    try {
      return status_through_service(*api_url, config, syncs, json, out);
    } catch (const std::exception& service_error) {
      err << "backflow status: " << e.what() << "; asking the service at " << *api_url
          << " failed too: " << service_error.what() << "\n";
      return kExitFailed;
    }
  }
  if (json) out << report.dump(2) << "\n";
  return kExitOk;
}

}  // namespace backflow::cli
