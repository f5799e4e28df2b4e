// Concurrent runs of one process share the state directory's snapshot store:
// opening it while the last user is closing it must wait, not fail on
// RocksDB's directory lock (the service ran 200 syncs into that).
#include "service/runner/shared_snapshot_store.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/support/test_env.h"

using namespace backflow;

TEST_CASE("runs open and close the shared snapshot store concurrently without lock errors", "[runner][snapshots]") {
  const auto state_dir = test::make_temp_dir("shared-snapshot-store");
  std::atomic<int> failures{0};
  std::string first_error;
  std::mutex error_mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 150; ++i) {
        try {
          auto store = runner::shared_snapshot_store(state_dir);
          auto again = runner::shared_snapshot_store(state_dir);
          if (store.get() != again.get()) ++failures;  // one open store per directory
          // Users come and go at different paces, so the store keeps being
          // closed by one thread while another opens it.
          std::this_thread::sleep_for(std::chrono::microseconds(((t * 7 + i * 13) % 5) * 200));
        } catch (const std::exception& e) {
          std::lock_guard lock(error_mutex);
          if (failures++ == 0) first_error = e.what();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  INFO(first_error);
  CHECK(failures == 0);
  // Closed after the last user: the directory can be opened directly again.
  CHECK_NOTHROW(diff::local::SnapshotStore::open(state_dir));
}
