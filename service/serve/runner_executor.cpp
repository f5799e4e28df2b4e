#include "service/serve/runner_executor.h"

#include <spdlog/spdlog.h>

#include "service/runner/shared_snapshot_store.h"
#include "service/runner/sync_runner.h"

namespace backflow::serve {
namespace {

// Runs the scheduler's runs with the sync runner, under the ids and in the
// RunStore the service owns.
class SyncRunnerExecutor : public scheduler::RunExecutor {
 public:
  SyncRunnerExecutor(std::filesystem::path state_dir, state::StateDb& db, state::RunStore& runs)
      : state_dir_(std::move(state_dir)), db_(db), runs_(runs), snapshots_(runner::shared_snapshot_store(state_dir_)) {}

  state::RunRecord execute(const scheduler::RunRequest& request, const scheduler::RunSignal& signal) override {
    runner::SyncRunner runner(*request.config, state_dir_, &db_);
    runner::RunRequest run;
    run.sync = request.sync->name;
    run.trigger = request.run.trigger;
    run.full_resync = request.run.full_resync;
    run.force = request.run.force;
    run.stop = signal.token();
    run.stop_is_shutdown = [&signal] { return signal.reason() == scheduler::StopReason::Shutdown; };
    run.existing_run = request.run;
    run.run_store = &runs_;
    runner::RunReport report = runner.run(run);
    if (report.throttled > 0) {
      spdlog::info("run {} of sync '{}': the destination throttled {} requests (HTTP 429)", report.record.id,
                   report.record.sync, report.throttled);
    }
    return report.record;
  }

 private:
  std::filesystem::path state_dir_;
  state::StateDb& db_;
  state::RunStore& runs_;
  // Held open for the service's life: otherwise each run finding no other
  // run active would reopen the store with every sync's column families.
  std::shared_ptr<diff::local::SnapshotStore> snapshots_;
};

}  // namespace

ExecutorFactory runner_executor_factory() {
  return [](const config::Config&, const std::filesystem::path& state_dir, state::StateDb& db, state::RunStore& runs) {
    return std::unique_ptr<scheduler::RunExecutor>(std::make_unique<SyncRunnerExecutor>(state_dir, db, runs));
  };
}

}  // namespace backflow::serve
