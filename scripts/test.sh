#!/usr/bin/env bash
# README command 2: install what is missing, build, and run the whole test suite.
# The suite starts its own servers (a throwaway PostgreSQL cluster) and stops
# them when it ends, also when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd "${BACKFLOW_BUILD_DIR:-build}"
ctest --output-on-failure --timeout 900 -j "$(nproc)"
