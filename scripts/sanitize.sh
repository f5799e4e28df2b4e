#!/usr/bin/env bash
# The unit suite under AddressSanitizer and UndefinedBehaviorSanitizer, then
# each libFuzzer target (fuzz/) for FUZZ_SECONDS (default 60) from its seed
# corpus. Builds with clang into ./build-san. Any sanitizer report, fuzzer
# crash, leak or timeout fails the script. Part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BACKFLOW_SANITIZE_BUILD_DIR:-build-san}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
# -O1 with line tables only: sanitizer reports keep their file:line, and the
# build takes about half the time of a full debug-info build.
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DBACKFLOW_SANITIZE=ON -DBACKFLOW_FUZZ=ON >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target backflow backflow_tests fuzz_config_loader fuzz_template fuzz_cron \
  fuzz_connection_string fuzz_vendor_response

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0}

echo "== unit suite under ASan + UBSan"
(cd "$BUILD_DIR" && ctest --output-on-failure --timeout 900 -j "$(nproc)" -R '^unit:')

echo "== fuzzing, ${FUZZ_SECONDS} s per target"
for target in config_loader template cron connection_string vendor_response; do
  corpus="$BUILD_DIR/fuzz-corpus/$target"  # grows here, never in the source tree
  mkdir -p "$corpus"
  echo "-- $target"
  "$BUILD_DIR/fuzz/fuzz_$target" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$BUILD_DIR/fuzz-$target-" \
    "$corpus" "fuzz/corpus/$target" 2>&1 | tail -n 12
done
