// A PostgreSQL server that goes away in the middle of a streamed result:
// the reader must fail with an error the caller can tell is transient.
// Uses its own cluster, so stopping it cannot disturb other tests.
#include <catch2/catch.hpp>

#include <fstream>
#include <unistd.h>

#include "odbc/connection.h"
#include "odbc/error.h"
#include "tests/support/test_env.h"

using namespace backflow;

namespace {

// Starts a throwaway cluster in a fresh directory and stops it on scope exit.
class OwnCluster {
 public:
  OwnCluster() : dir_(test::make_temp_dir("odbc-server-loss")) {
    const auto result = test::run_command(std::string(BACKFLOW_PG_CLUSTER_SCRIPT) + " start " +
                                          test::shell_quote(dir_.string()));
    if (result.exit_code != 0) throw std::runtime_error("could not start a cluster: " + result.output);
  }
  ~OwnCluster() {
    test::run_command(std::string(BACKFLOW_PG_CLUSTER_SCRIPT) + " stop " + test::shell_quote(dir_.string()));
  }
  OwnCluster(const OwnCluster&) = delete;
  OwnCluster& operator=(const OwnCluster&) = delete;

  std::string env(const std::string& key) const {
    std::ifstream in(dir_ / "pg.env");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
    }
    throw std::runtime_error("pg.env has no " + key);
  }

  // pg_ctl stop -m immediate: the server dies without saying goodbye.
  void kill_server() const {
    const std::string as_owner = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
    const auto result = test::run_command(as_owner + env("PGBIN") + "/pg_ctl -D " +
                                          test::shell_quote(env("PGDATA_DIR")) + " -m immediate -w stop");
    if (result.exit_code != 0) throw std::runtime_error("pg_ctl stop failed: " + result.output);
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

TEST_CASE("PostgreSQL stopped mid-stream: the reader fails with a transient error", "[pg][odbc]") {
  OwnCluster cluster;
  auto conn = odbc::Connection::open(cluster.env("BACKFLOW_TEST_PG_CONN"), "doomed");
  odbc::QueryOptions options;
  options.read.batch_rows = 500;
  auto reader = conn.query("select g, repeat('y', 200) from generate_series(1, 10000000) g", {}, options);
  Row row;
  for (int i = 0; i < 2000; ++i) REQUIRE(reader.next(row));
  cluster.kill_server();
  std::int64_t rows_after_stop = 0;
  try {
    while (reader.next(row)) ++rows_after_stop;
    FAIL("the result ended normally after the server stopped");
  } catch (const odbc::Error& e) {
    INFO(e.what() << " (after " << rows_after_stop << " more rows)");
    CHECK(e.transient());
    CHECK(std::string(e.what()).find("warehouse 'doomed'") != std::string::npos);
  }
}
