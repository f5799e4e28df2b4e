// One diff run of a sync over a PostgreSQL or MariaDB model, as the runner would do it:
// snapshot, diff, stream every change (discarded), commit. For
// bench/run_diff.sh.
//
//   bench_diff_run local|warehouse CONNECTION_STRING TABLE STATE_DIR
//
// Key column "id"; mapped columns: every other column of the table.
// Prints "engine=... rows=... added=... changed=... removed=... invalid=... streamed=... seconds=...".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "diff/local/local_diff_engine.h"
#include "odbc/connection.h"
#include "diff/warehouse/warehouse_diff_engine.h"

using namespace backflow;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: bench_diff_run local|warehouse CONNECTION_STRING TABLE STATE_DIR\n";
    return 2;
  }
  const std::string engine_name = argv[1], table = argv[3], state_dir = argv[4];
  try {
    auto start = std::chrono::steady_clock::now();
    auto conn = odbc::Connection::open(argv[2], "bench");
    const Dialect dialect = conn.dialect().value_or(Dialect::postgres);
    diff::DiffSpec spec;
    spec.sync_name = "bench";
    spec.primary_key = {"id"};
    {
      auto probe = conn.query("SELECT * FROM " + quote_qualified(dialect, table) + " WHERE 1 = 0");
      for (const auto& c : probe.columns()) {
        if (c.name != "id") spec.mapped_columns.push_back(c.name);
      }
    }
    std::unique_ptr<diff::PendingSnapshot> pending;
    std::shared_ptr<diff::local::SnapshotStore> store;
    if (engine_name == "local") {
      store = diff::local::SnapshotStore::open(state_dir);
      diff::local::LocalDiffEngine engine(store);
      auto model = conn.query("SELECT * FROM " + quote_qualified(dialect, table));
      pending = engine.diff(spec, model);
    } else {
      diff::warehouse::WarehouseDiffEngine engine(conn, dialect, "backflow_bench");
      if (std::getenv("BENCH_STATEMENT_TIMES")) {
        // Time between consecutive statements = time of the previous one.
        engine.before_statement = [last = std::chrono::steady_clock::now(),
                                   previous = std::string()](std::string_view sql) mutable {
          auto now = std::chrono::steady_clock::now();
          if (!previous.empty()) {
            std::fprintf(stderr, "%8.3f s  %s\n", std::chrono::duration<double>(now - last).count(),
                         (std::getenv("BENCH_STATEMENT_FULL") ? previous : previous.substr(0, 110)).c_str());
          }
          previous = std::string(sql);
          last = now;
        };
      }
      pending = engine.diff(spec, diff::warehouse::WarehouseModel{table, ""});
    }
    const bool phases = std::getenv("BENCH_PHASE_TIMES") != nullptr;
    auto phase = [&, last = start](const char* name) mutable {
      auto now = std::chrono::steady_clock::now();
      if (phases) std::fprintf(stderr, "%-8s %8.3f s\n", name, std::chrono::duration<double>(now - last).count());
      last = now;
    };
    phase("diff");
    std::uint64_t streamed = 0;
    pending->for_each_change([&](const diff::Change&) { ++streamed; });
    phase("stream");
    pending->commit({});
    phase("commit");
    const auto& c = pending->counts();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("engine=%s rows=%llu added=%llu changed=%llu removed=%llu invalid=%llu streamed=%llu seconds=%.2f\n",
                engine_name.c_str(), static_cast<unsigned long long>(c.rows_read),
                static_cast<unsigned long long>(c.added), static_cast<unsigned long long>(c.changed),
                static_cast<unsigned long long>(c.removed), static_cast<unsigned long long>(c.invalid),
                static_cast<unsigned long long>(streamed), seconds);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_diff_run: " << e.what() << "\n";
    return 1;
  }
}
