#include "service/serve/runner_executor.h"

namespace backflow::serve {
namespace {

// Stands in until the sync runner is merged: every run fails with a reason.
class MissingRunnerExecutor : public scheduler::RunExecutor {
 public:
  explicit MissingRunnerExecutor(state::RunStore& runs) : runs_(runs) {}
  state::RunRecord execute(const scheduler::RunRequest& request, const scheduler::RunSignal&) override {
    state::RunRecord run = request.run;
    run.phase = state::RunPhase::Failed;
    run.error_phase = "preflight";
    run.error = "this build of backflow has no sync runner";
    run.ended_at_ms = run.started_at_ms;
    runs_.save(run);
    return run;
  }

 private:
  state::RunStore& runs_;
};

}  // namespace

ExecutorFactory runner_executor_factory() {
  return [](const config::Config&, const std::filesystem::path&, state::StateDb&, state::RunStore& runs) {
    return std::unique_ptr<scheduler::RunExecutor>(std::make_unique<MissingRunnerExecutor>(runs));
  };
}

}  // namespace backflow::serve
