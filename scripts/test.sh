#!/usr/bin/env bash
# README command 2: install what is missing, build, and run the whole test suite,
# then the unit suite again under ASan + UBSan and each fuzz target for a
# bounded time (scripts/sanitize.sh; SKIP_SANITIZE=1 skips that part).
# The suite starts its own servers (a throwaway PostgreSQL cluster) and stops
# them when it ends, also when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd "${BACKFLOW_BUILD_DIR:-build}"
ctest --output-on-failure --timeout 900 -j "$(nproc)"
cd - >/dev/null
if [ "${SKIP_SANITIZE:-0}" != 1 ]; then scripts/sanitize.sh; fi
