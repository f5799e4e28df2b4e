// `backflow run -c FILE SYNC [--full-resync] [--dry-run [--output FILE]]
// [--force] [--json]`: one run in the foreground (docs/runner.md). Exit
// codes: 0 succeeded, 4 partial, 1 failed or refused, 2 usage/config error,
// 3 blocked.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "service/commands/commands.h"
#include "service/commands/unknown_sync.h"
#include "service/commands/run_output.h"
#include "service/commands/service_client.h"
#include "service/config/config_loader.h"
#include "service/runner/sync_runner.h"
#include "state/state_db.h"
#include "common/text.h"

namespace backflow::cli {

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted = true; }

// Cancels the run on SIGINT/SIGTERM: the handler only sets a flag, a watcher
// thread turns it into a stop request.
class InterruptWatch {
 public:
  explicit InterruptWatch(std::stop_source& source)
      : previous_int_(std::signal(SIGINT, on_interrupt)),
        previous_term_(std::signal(SIGTERM, on_interrupt)),
        thread_([&source](std::stop_token stop) {
          while (!stop.stop_requested()) {
            if (g_interrupted) {
              source.request_stop();
              return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          }
        }) {}
  ~InterruptWatch() {
    thread_.request_stop();
    thread_.join();
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
  }

 private:
  using Handler = void (*)(int);
  Handler previous_int_, previous_term_;
  std::jthread thread_;
};

// "  deliver: 12000 rows read, 3400 sent (850/s)" on stderr: on a terminal
// rewritten in place at most every 200 ms; elsewhere (a CI log, cron) one
// line every 10 s, so a long run shows it is alive; Off for --json.
class ProgressLine {
 public:
  enum class Mode { Off, Terminal, Log };
  explicit ProgressLine(Mode mode) : mode_(mode), started_(std::chrono::steady_clock::now()), last_(started_) {}
  ~ProgressLine() { finish(); }
  // Clears the terminal line, so what is printed next starts on its own line.
  void finish() {
    if (shown_ && mode_ == Mode::Terminal) std::cerr << "\r\033[K" << std::flush;
    shown_ = false;
  }
  void update(const runner::RunProgress& progress) {
    if (mode_ == Mode::Off) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < (mode_ == Mode::Terminal ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10'000))) {
      return;
    }
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - started_).count();
    const std::string phase = text::lower(state::to_string(progress.phase));
    std::cerr << (mode_ == Mode::Terminal ? "\r\033[K  " : "  ") << phase << ": " << progress.rows_read << " rows read, " << progress.records_sent
              << " sent";
    if (progress.records_sent > 0 && seconds > 0) {
      std::cerr << " (" << static_cast<std::uint64_t>(static_cast<double>(progress.records_sent) / seconds) << "/s)";
    }
    std::cerr << (mode_ == Mode::Log ? "\n" : "") << std::flush;
    shown_ = true;
  }

  static Mode mode_for(bool json) {
    if (json) return Mode::Off;
    return ::isatty(STDERR_FILENO) != 0 ? Mode::Terminal : Mode::Log;
  }

 private:
  Mode mode_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point started_, last_;
};

int exit_code(state::RunPhase phase) {
  switch (phase) {
    case state::RunPhase::Succeeded: return kExitOk;
    case state::RunPhase::Partial: return kExitPartial;
    case state::RunPhase::Blocked: return kExitBlocked;
    default: return kExitFailed;
  }
}

void print_json_report(const runner::RunReport& report, std::ostream& out) {
  // The run record, plus its first failed records with the destination's reason.
  nlohmann::json document = state::to_json(report.record);
  document["failures"] = nlohmann::json::array();
  for (const state::RecordResult& r : report.failures) document["failures"].push_back(state::to_json(r));
  out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

// The state is held by `backflow serve`: the run goes through its API (a
// trigger, then the run followed until it ends), with the same output and
// exit code as a run in this process. SIGINT/SIGTERM cancel it.
int run_through_service(const std::string& api_url, const config::Config& config, const runner::RunRequest& request,
                        bool json, std::ostream& out, std::ostream& err) {
  ServiceClient service(api_url, config.server.auth_token);
  if (!json) out << "backflow serve holds the state: running " << request.sync << " through its API at " << api_url << "\n";
  const std::string body = nlohmann::json({{"full_resync", request.full_resync}, {"force", request.force}}).dump();
  const std::string run_id =
      service.call("POST", "/api/v1/syncs/" + request.sync + "/trigger", body).at("run_id").get<std::string>();
  std::stop_source stop;
  InterruptWatch interrupts(stop);
  ProgressLine progress(ProgressLine::mode_for(json));
  bool cancel_sent = false;
  for (;;) {
    const nlohmann::json run = service.call("GET", "/api/v1/runs/" + run_id);
    state::RunRecord record = state::run_from_json(run);
    if (state::is_terminal(record.phase)) {
      progress.finish();
      runner::RunReport report;
      report.record = std::move(record);
      for (const char* status : {"rejected", "undelivered", "dead", "invalid"}) {
        const std::size_t wanted = request.sample_limit - report.failures.size();
        if (wanted == 0) break;
        const nlohmann::json page = service.call(
            "GET", "/api/v1/runs/" + run_id + "/records?status=" + status + "&limit=" + std::to_string(wanted));
        for (const auto& item : page.at("records")) report.failures.push_back(state::record_result_from_json(item));
      }
      if (json) {
        print_json_report(report, out);
      } else {
        print_run_report(report, out);
      }
      return exit_code(report.record.phase);
    }
    progress.update(runner::RunProgress{record.phase, record.counts.rows_read, record.counts.sent});
    if (stop.stop_requested() && !cancel_sent) {
      service.call("POST", "/api/v1/runs/" + run_id + "/cancel");
      cancel_sent = true;
      err << "backflow run: asked the service to cancel " << run_id << "\n";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

}  // namespace

int command_run(const Args& args, std::ostream& out, std::ostream& err) {
  if (!args.has("--config") || args.positional.size() != 1) {
    err << "usage: backflow run -c FILE SYNC [--full-resync] [--dry-run [--output CHANGES.jsonl]] [--force] [--json]\n";
    return kExitUsage;
  }
  auto loaded = config::load_config(args.get("--config"));
  if (!loaded.ok()) {
    for (const auto& diagnostic : loaded.diagnostics) err << config::format_diagnostic(diagnostic) << "\n";
    return kExitUsage;
  }
  const config::Config& config = *loaded.config;
  const std::string sync_name = args.positional[0];
  if (config.find_sync(sync_name) == nullptr) {
    err << unknown_sync_message("run", sync_name, config, args.get("--config")) << "\n";
    return kExitUsage;
  }
  runner::RunRequest request;
  request.sync = sync_name;
  request.full_resync = args.has("--full-resync");
  request.dry_run = args.has("--dry-run");
  request.force = args.has("--force");
  const bool json = args.has("--json");
  std::ofstream changes;
  if (args.has("--output")) {
    if (!request.dry_run) {
      err << "backflow run: --output writes a dry run's changes; add --dry-run\n";
      return kExitUsage;
    }
    const std::string file = args.get("--output");
    changes.open(file, std::ios::binary | std::ios::trunc);
    if (!changes) {
      err << "backflow run: cannot write " << text::quote_for_message(file) << ": " << std::strerror(errno) << "\n";
      return kExitUsage;
    }
    request.dry_run_changes = &changes;
  }

  const std::filesystem::path state_dir = config.state_dir;
  try {
    std::unique_ptr<state::StateDb> db;
    if (!request.dry_run || std::filesystem::exists(state_dir / "state")) db = state::StateDb::open(state_dir / "state");
    std::stop_source stop;
    request.stop = stop.get_token();
    InterruptWatch interrupts(stop);
    ProgressLine progress(ProgressLine::mode_for(json));
    request.on_progress = [&](const runner::RunProgress& p) { progress.update(p); };
    runner::SyncRunner sync_runner(config, state_dir, db.get());
    runner::RunReport report = sync_runner.run(request);
    request.on_progress = nullptr;
    progress.finish();
    if (request.dry_run_changes != nullptr) {
      changes.close();
      if (!changes) {
        err << "backflow run: writing " << text::quote_for_message(args.get("--output")) << " failed: "
            << std::strerror(errno) << "\n";
        return kExitFailed;
      }
    }
    if (json) {
      print_json_report(report, out);
    } else {
      print_run_report(report, out);
      if (request.dry_run_changes != nullptr) out << "  every change is in " << args.get("--output") << "\n";
    }
    return exit_code(report.record.phase);
  } catch (const runner::RunRefused& e) {
    err << "backflow run: " << e.what() << "\n";
    return kExitFailed;
  } catch (const state::StateError& e) {
    const auto api_url = state::StateDb::announced_api(state_dir / "state");
    if (!api_url || request.dry_run) {
      err << "backflow run: " << e.what() << (api_url ? " (a dry run cannot go through the service)" : "") << "\n";
      return kExitFailed;
    }
    try {
      return run_through_service(*api_url, config, request, json, out, err);
    } catch (const std::exception& service_error) {
      err << "backflow run: sync '" << sync_name << "': " << service_error.what() << "\n";
      return kExitFailed;
    }
  } catch (const std::exception& e) {
    err << "backflow run: sync '" << sync_name << "': " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace backflow::cli
