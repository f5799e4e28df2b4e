// Reads a query through backflow's ODBC layer into typed Values, the way a
// sync's snapshot does, and reports the throughput.
//
//   bench_odbc_read CONNECTION_STRING QUERY [BATCH_ROWS]
//
// Every value is converted (RowSource::next) and touched, so nothing is
// optimised away. Prints "rows=N seconds=S checksum=C".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "odbc/connection.h"
#include "odbc/error.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s CONNECTION_STRING QUERY [BATCH_ROWS]\n", argv[0]);
    return 2;
  }
  try {
    const auto start = std::chrono::steady_clock::now();
    auto conn = backflow::odbc::Connection::open(argv[1], "bench");
    backflow::odbc::QueryOptions options;
    if (argc > 3) options.read.batch_rows = std::strtoul(argv[3], nullptr, 10);
    auto reader = conn.query(argv[2], {}, options);
    backflow::Row row;
    unsigned long long rows = 0, checksum = 0;
    while (reader.next(row)) {
      ++rows;
      for (const auto& value : row) checksum += static_cast<unsigned long long>(value.type());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("rows=%llu seconds=%.3f checksum=%llu\n", rows, seconds, checksum);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_odbc_read: %s\n", e.what());
    return 1;
  }
}
