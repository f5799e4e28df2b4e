#!/usr/bin/env bash
# Benchmark of the local diff engine alone, for a noisy shared machine:
# the same incremental run (after 1% of ROWS changed, as in run_diff.sh)
# measured PAIRS times back to back with the minimal block-fetch ODBC reader,
# each time from a copy of the same committed state, so every run sees the
# same changes. Prints every pair and the medians of the times, of the
# per-pair ratios and of the peak RSS.
#
#   bench/run_diff_local_pairs.sh      (env: ROWS=1000000 PAIRS=5 BATCH_ROWS=1000 FETCH_ROWS=10000)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BACKFLOW_BUILD_DIR:-build}
ROWS=${ROWS:-1000000}
PAIRS=${PAIRS:-5}
BATCH_ROWS=${BATCH_ROWS:-1000}
FETCH_ROWS=${FETCH_ROWS:-10000}

source bench/lib.sh
bench_diff_setup run_diff_local_pairs

run() { local out=$1; shift; /usr/bin/time -f "%e %M" -o "$out.time" "$@" >"$out.out" 2>&1 || { cat "$out.out" >&2; exit 1; }; }

echo "first run ..."
run "$tmp/first" "$BUILD_DIR/bench/bench_diff_run" local "$conn" public.bench_model "$tmp/base"
cat "$tmp/first.out"
echo "changing 1% of the rows ..."
psql -q -v ON_ERROR_STOP=1 <<SQL
update bench_model set name = name || ' (moved)', amount = amount + 1 where id % 200 = 1;
delete from bench_model where id % 400 = 2;
insert into bench_model
select $ROWS + g, g % 100000, g % 1000, 'new customer ' || g, md5(g::text) || '@example.org', 'new',
       g * 0.5, timestamp '2025-01-01', timestamptz '2025-01-01 00:00:00+00', true
from generate_series(1, $ROWS / 400) g;
vacuum analyze bench_model;
SQL

printf "%-5s %10s %10s %8s %12s %12s\n" pair minimal_s local_s ratio minimal_MiB local_MiB
: >"$tmp/pairs"
for ((i = 1; i <= PAIRS; i++)); do
  rm -rf "$tmp/state" && cp -a "$tmp/base" "$tmp/state"
  run "$tmp/minimal" "$BUILD_DIR/bench/bench_odbc_minimal_read" "$minimal_conn" "$query" "$BATCH_ROWS"
  run "$tmp/local" "$BUILD_DIR/bench/bench_diff_run" local "$conn" public.bench_model "$tmp/state"
  grep -q "changed=$((ROWS / 200)) " "$tmp/local.out" || { cat "$tmp/local.out" >&2; echo "unexpected counts" >&2; exit 1; }
  read -r ms mm <"$tmp/minimal.time"
  read -r ls lm <"$tmp/local.time"
  echo "$ms $ls $mm $lm" >>"$tmp/pairs"
  awk -v i="$i" -v ms="$ms" -v ls="$ls" -v mm="$mm" -v lm="$lm" \
    'BEGIN { printf "%-5d %10.2f %10.2f %8.2f %12.1f %12.1f\n", i, ms, ls, ls / ms, mm / 1024, lm / 1024 }'
done
cat "$tmp/local.out"
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
m_min=$(awk '{ print $1 }' "$tmp/pairs" | median)
m_loc=$(awk '{ print $2 }' "$tmp/pairs" | median)
m_ratio=$(awk '{ print $2 / $1 }' "$tmp/pairs" | median)
m_rss=$(awk '{ print $4 / 1024 }' "$tmp/pairs" | median)
echo
echo "rows=$ROWS pairs=$PAIRS load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median minimal reader ${m_min} s, local incremental ${m_loc} s, median ratio ${m_ratio}x (target <= 1.2)"
echo "median local peak RSS ${m_rss} MiB; first run peak RSS $(awk '{ printf "%.1f", $2 / 1024 }' "$tmp/first.time") MiB"
du -sh "$tmp/state/snapshots" | awk '{ print "local snapshot on disk: " $1 }'
