#!/usr/bin/env bash
# HubSpot throughput against its emulator at the documented rate limit
# (tests/vendor_hubspot_bench_test.cpp, a hidden Catch2 test).
# Usage: bench/run_vendors-a.sh  (BENCH_RECORDS=N for fewer than 100k records)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BACKFLOW_BUILD_DIR:-build}
cmake --build "$BUILD_DIR" -j "${JOBS:-2}" --target backflow_tests >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
"$BUILD_DIR/tests/backflow_tests" "[bench-vendors]"
