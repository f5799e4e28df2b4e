#!/usr/bin/env bash
# Benchmark: the two diff engines on a generated PostgreSQL model of ROWS rows
# x 10 columns (id key + 9 mapped columns: ints, text, decimal, timestamps,
# bool). For each engine: a first run (everything added), then 1% of the rows
# change (0.5% updated, 0.25% deleted, 0.25% inserted) and the incremental
# run is measured, side by side with `psql \copy (model) to /dev/null` and the
# minimal block-fetch ODBC reader on the same model, in the same run.
# Timed with /usr/bin/time (wall seconds, peak RSS). Starts its own
# PostgreSQL cluster in a temp dir and stops it on exit.
#
#   bench/run_diff.sh                 (env: ROWS=1000000 BATCH_ROWS=1000 FETCH_ROWS=10000)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BACKFLOW_BUILD_DIR:-build}
ROWS=${ROWS:-1000000}
BATCH_ROWS=${BATCH_ROWS:-1000}
FETCH_ROWS=${FETCH_ROWS:-10000}

source bench/lib.sh
bench_diff_setup run_diff

measure() {  # measure NAME CMD...   -> sets SECONDS_<NAME>, RSS_<NAME> (KiB)
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$tmp/out.$name" 2>&1 || { cat "$tmp/out.$name" >&2; exit 1; }
  local s m
  read -r s m <"$tmp/time"
  printf -v "SECONDS_$name" '%s' "$s"
  printf -v "RSS_$name" '%s' "$m"
}

echo "first runs ..."
measure local_first "$BUILD_DIR/bench/bench_diff_run" local "$conn" public.bench_model "$tmp/state"
measure warehouse_first "$BUILD_DIR/bench/bench_diff_run" warehouse "$conn" public.bench_model "$tmp/state"
cat "$tmp/out.local_first" "$tmp/out.warehouse_first"

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

echo "incremental runs ..."
measure copy psql -q -c "\\copy ($query) to /dev/null"
measure minimal "$BUILD_DIR/bench/bench_odbc_minimal_read" "$minimal_conn" "$query" "$BATCH_ROWS"
measure local "$BUILD_DIR/bench/bench_diff_run" local "$conn" public.bench_model "$tmp/state"
measure warehouse "$BUILD_DIR/bench/bench_diff_run" warehouse "$conn" public.bench_model "$tmp/state"
cat "$tmp/out.local" "$tmp/out.warehouse"
grep -q "changed=$((ROWS / 200)) " "$tmp/out.local" || { echo "local engine: unexpected counts" >&2; exit 1; }
grep -q "changed=$((ROWS / 200)) " "$tmp/out.warehouse" || { echo "warehouse engine: unexpected counts" >&2; exit 1; }

echo
echo "rows=$ROWS columns=10, incremental run after 1% changed"
printf "%-34s %10s %14s\n" what seconds "peak RSS MiB"
row() { awk -v l="$1" -v s="$2" -v m="$3" 'BEGIN { printf "%-34s %10.2f %14.1f\n", l, s, m / 1024 }'; }
row "psql \\copy (model) to /dev/null" "$SECONDS_copy" "$RSS_copy"
row "minimal ODBC block-fetch reader" "$SECONDS_minimal" "$RSS_minimal"
row "local engine, first run" "$SECONDS_local_first" "$RSS_local_first"
row "local engine, incremental" "$SECONDS_local" "$RSS_local"
row "warehouse engine, first run" "$SECONDS_warehouse_first" "$RSS_warehouse_first"
row "warehouse engine, incremental" "$SECONDS_warehouse" "$RSS_warehouse"
awk -v l="$SECONDS_local" -v m="$SECONDS_minimal" -v w="$SECONDS_warehouse" -v c="$SECONDS_copy" \
    -v rl="$RSS_local" -v rw="$RSS_warehouse" 'BEGIN {
  printf "\nlocal / minimal reader: %.2fx (target <= 1.2)\n", l / m;
  printf "warehouse / \\copy:      %.2fx (target <= 2.5)\n", w / c;
  printf "peak RSS local %.0f MiB, warehouse %.0f MiB (target <= 256)\n", rl / 1024, rw / 1024 }'
du -sh "$tmp/state/snapshots" | awk '{ print "local snapshot on disk: " $1 }'
