#!/usr/bin/env bash
# Benchmark: reading a generated PostgreSQL table (ROWS rows x 10 columns:
# ints, text, decimal, timestamp, timestamptz, bool) three ways, in one run:
#   (a) psql \copy (same query) to /dev/null  - the server + wire ceiling
#   (b) bench_odbc_minimal_read               - psqlODBC block fetch, nothing else
#   (c) bench_odbc_read                       - backflow's ODBC layer into Values
# Each is timed with /usr/bin/time: fastest wall time of RUNS, highest peak RSS.
# Starts its own PostgreSQL cluster in a temp dir and stops it on exit.
#
#   bench/run_odbc_read.sh            (env: ROWS=2000000 RUNS=5 BATCH_ROWS=1000 FETCH_ROWS=10000)
#
# The headline ratio is the median over runs of minimal/backflow wall time
# measured back to back, which shared or noisy machines disturb least.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BACKFLOW_BUILD_DIR:-build}
ROWS=${ROWS:-2000000}
RUNS=${RUNS:-5}
BATCH_ROWS=${BATCH_ROWS:-1000}
FETCH_ROWS=${FETCH_ROWS:-10000}

[[ -x /usr/bin/time ]] || { echo "run_odbc_read: /usr/bin/time missing (scripts/setup.sh installs package 'time')" >&2; exit 1; }
cmake --build "$BUILD_DIR" --target bench_odbc_read bench_odbc_minimal_read >/dev/null

tmp=$(mktemp -d /tmp/backflow-bench.XXXXXX)
source bench/lib.sh
cleanup() { bench_stop_pg; rm -rf "$tmp"; }
trap cleanup EXIT
bench_start_pg "$tmp"
# Both ODBC readers get the same driver settings (the layer would add them itself).
conn="${BENCH_PG_CONN}UseDeclareFetch=1;Fetch=$FETCH_ROWS;BoolsAsChar=0;"
bench_generate_model bench_read "$ROWS"
query="select $BENCH_MODEL_COLUMNS from bench_read"

# Runs are interleaved (copy, minimal, backflow, copy, ...) so that load from
# elsewhere on the machine hits all three alike; each keeps its fastest run.
declare -A seconds rss cpu last
pair_ratios=()  # per run: minimal seconds / backflow seconds, measured back to back
measure() {  # measure NAME CMD...
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$@" >"$tmp/out.$name" 2>&1 || { cat "$tmp/out.$name" >&2; exit 1; }
  local s m u k c
  read -r s m u k <"$tmp/time"
  last[$name]=$s
  c=$(awk -v u="$u" -v k="$k" 'BEGIN{printf "%.2f", u + k}')
  if [[ -z ${cpu[$name]:-} ]] || awk -v a="$c" -v b="${cpu[$name]}" 'BEGIN{exit !(a<b)}'; then cpu[$name]=$c; fi
  if [[ -z ${seconds[$name]:-} ]] || awk -v a="$s" -v b="${seconds[$name]}" 'BEGIN{exit !(a<b)}'; then
    seconds[$name]=$s
  fi
  if [[ -z ${rss[$name]:-} ]] || (( m > rss[$name] )); then rss[$name]=$m; fi  # worst peak RSS
}
for run in $(seq 1 "$RUNS"); do
  echo "run $run/$RUNS ..."
  measure copy psql -q -c "\\copy ($query) to /dev/null"
  measure minimal "$BUILD_DIR/bench/bench_odbc_minimal_read" "$conn" "$query" "$BATCH_ROWS"
  measure backflow "$BUILD_DIR/bench/bench_odbc_read" "$conn" "$query" "$BATCH_ROWS"
  pair_ratios+=("$(awk -v a="${last[minimal]}" -v b="${last[backflow]}" 'BEGIN{printf "%.3f", a / b}')")
done
median_ratio=$(printf "%s\n" "${pair_ratios[@]}" | sort -n | awk '{v[NR]=$1} END{print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}')
grep -q "rows=$ROWS " "$tmp/out.backflow" || { echo "backflow reader did not read $ROWS rows: $(cat "$tmp/out.backflow")" >&2; exit 1; }

echo
echo "rows=$ROWS columns=10 batch_rows=$BATCH_ROWS fetch_rows=$FETCH_ROWS fastest of $RUNS runs, peak RSS = highest"
printf "%-22s %10s %12s %14s %12s %16s\n" reader seconds rows/s "peak RSS MiB" "vs minimal" "client CPU s"
for name in copy minimal backflow; do
  awk -v n="$name" -v s="${seconds[$name]}" -v m="${rss[$name]}" -v r="$ROWS" -v base="${seconds[minimal]}" -v c="${cpu[$name]}" 'BEGIN {
    label = (n == "copy") ? "psql \\copy" : (n == "minimal") ? "minimal ODBC reader" : "backflow ODBC layer";
    printf "%-22s %10.2f %12.0f %14.1f %11.2fx %16.2f\n", label, s, r / s, m / 1024, base / s, c }'
done
awk -v a="${seconds[backflow]}" -v b="${seconds[minimal]}" -v m="${rss[backflow]}" \
    -v ca="${cpu[backflow]}" -v cb="${cpu[minimal]}" -v median="$median_ratio" -v pairs="${pair_ratios[*]}" 'BEGIN {
  ratio = b / a; mib = m / 1024;
  printf "\nclient CPU (user+sys, lowest run): backflow %.2f s vs minimal %.2f s (overhead %+.1f%%)", ca, cb, (ca / cb - 1) * 100;
  printf "\nbackflow/minimal throughput, fastest runs: %.2fx", ratio;
  printf "\nbackflow/minimal throughput, median of back-to-back pairs (%s): %.2fx (target >= 0.90: %s)\n", pairs, median, (median >= 0.9) ? "met" : "MISSED";
  printf "backflow peak RSS: %.1f MiB (target <= 64: %s)\n", mib, (mib <= 64) ? "met" : "MISSED" }'
