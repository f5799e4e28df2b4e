// SIGKILL at random instants of a local diff run (snapshot, diff, commit):
// the next run must give what an uninterrupted history gives.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "diff/local/local_diff_engine.h"
#include "tests/diff_random_model.h"
#include "tests/diff_support.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::diff;
using namespace backflow::test;

namespace {

// Runs diff + full stream + commit in a child process; returns its pid.
pid_t spawn_run(const std::filesystem::path& state_dir, const std::vector<Row>& rows) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  try {
    local::LocalDiffEngine engine(local::SnapshotStore::open(state_dir));
    VectorRowSource source(RandomModel::columns(), rows);
    auto pending = engine.diff(RandomModel::spec("crashy"), source);
    std::size_t n = 0;
    pending->for_each_change([&](const Change&) { ++n; });
    pending->commit({});
  } catch (...) {
    _exit(1);
  }
  _exit(0);  // no destructors: the DB is left as a killed process leaves it
}

}  // namespace

TEST_CASE("local engine: SIGKILL during snapshot or diff or commit leaves the old or the new snapshot",
          "[diff][local][crash]") {
  const std::uint64_t seed = Catch::rngSeed() ? Catch::rngSeed() : 4242;
  std::cerr << "local crash test seed " << seed << "\n";
  INFO("seed " << seed);
  const auto state_dir = make_temp_dir("diff-local-crash");
  RandomModel model(seed, 20000);
  ReferenceDiff reference(RandomModel::key_columns(), RandomModel::mapped_columns());
  std::mt19937_64 timing(seed);
  model.mutate(15000);
  std::chrono::microseconds run_time{0};
  int killed = 0, committed_before_kill = 0;

  for (int iteration = 0; iteration < 14; ++iteration) {
    INFO("iteration " << iteration);
    if (iteration > 0) model.mutate(800);
    ReferenceResult expected = reference.diff(model.rows(), RandomModel::spec("crashy"));

    auto start = std::chrono::steady_clock::now();
    pid_t child = spawn_run(state_dir, model.rows());
    if (iteration == 0) {
      int status = 0;
      waitpid(child, &status, 0);
      REQUIRE(WIFEXITED(status));
      REQUIRE(WEXITSTATUS(status) == 0);
      run_time = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(timing() % static_cast<std::uint64_t>(run_time.count())));
      kill(child, SIGKILL);
      int status = 0;
      waitpid(child, &status, 0);
      if (WIFSIGNALED(status)) ++killed;
      else REQUIRE(WEXITSTATUS(status) == 0);
    }

    local::LocalDiffEngine engine(local::SnapshotStore::open(state_dir));
    VectorRowSource source(RandomModel::columns(), model.rows());
    auto pending = engine.diff(RandomModel::spec("crashy"), source);
    auto changes = collect_changes(*pending);
    const bool old_snapshot = changes == expected.changes;
    const bool new_snapshot = changes.empty();
    if (new_snapshot && !expected.changes.empty()) ++committed_before_kill;
    REQUIRE((old_snapshot || new_snapshot));
    pending->commit({});
    reference.commit({});
  }
  std::cerr << "local crash test: run " << run_time.count() << " us, " << killed << " killed, "
            << committed_before_kill << " had committed\n";
  CHECK(killed > 0);
}
