#!/usr/bin/env bash
# Builds and runs the delivery benchmark (bench/delivery.cpp) in Release mode.
# Usage: bench/run_delivery.sh [--records N] [--window-seconds S] [--only a|b]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BACKFLOW_BUILD_DIR:-build-bench}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD_DIR" -j "${JOBS:-2}" --target bench_delivery >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
"$BUILD_DIR/bench/bench_delivery" "$@"
