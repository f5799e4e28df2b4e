#!/usr/bin/env bash
# Braze, Klaviyo, Iterable and Intercom throughput against their emulators at
# the vendors' documented rate limits (tests/vendor_b_bench_test.cpp, hidden
# Catch2 cases tagged [bench-vendors-b]).
# Usage: bench/run_vendors-b.sh  (BENCH_RECORDS=N overrides every vendor's count:
# 100k, Intercom 10k)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BACKFLOW_BUILD_DIR:-build}
cmake --build "$BUILD_DIR" -j "${JOBS:-2}" --target backflow_tests >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
"$BUILD_DIR/tests/backflow_tests" "[bench-vendors-b]"
