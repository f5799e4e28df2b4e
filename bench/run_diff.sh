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
#   bench/run_diff.sh                 (env: ROWS=1000000 BATCH_ROWS=1000 FETCH_ROWS=10000
#                                          ENGINES="local warehouse" REPEAT=1)
#
# ENGINES=warehouse skips the local engine (and the minimal reader it is
# compared with). REPEAT=N measures the warehouse engine's incremental run and
# the \copy N times, interleaved, each run from the same committed snapshot,
# and prints the median of the N ratios. WAREHOUSE_BIN=path runs another build
# of bench_diff_run for the warehouse engine (e.g. the code before a change).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BACKFLOW_BUILD_DIR:-build}
ROWS=${ROWS:-1000000}
BATCH_ROWS=${BATCH_ROWS:-1000}
FETCH_ROWS=${FETCH_ROWS:-10000}
ENGINES=${ENGINES:-local warehouse}
REPEAT=${REPEAT:-1}
WAREHOUSE_BIN=${WAREHOUSE_BIN:-$BUILD_DIR/bench/bench_diff_run}
has_engine() { [[ " $ENGINES " == *" $1 "* ]]; }

source bench/lib.sh
bench_diff_setup run_diff

echo "first runs ..."
if has_engine local; then
  measure local_first "$BUILD_DIR/bench/bench_diff_run" local "$conn" public.bench_model "$tmp/state"
  cat "$tmp/out.local_first"
fi
if has_engine warehouse; then
  measure warehouse_first "$WAREHOUSE_BIN" warehouse "$conn" public.bench_model "$tmp/state"
  cat "$tmp/out.warehouse_first"
fi

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
if has_engine warehouse && (( REPEAT > 1 )); then
  # Every repetition starts from the committed snapshot of the first run.
  psql -q -c "create table backflow_bench.bench_committed_copy as table backflow_bench.$(psql -Atc "select tablename from pg_tables where schemaname = 'backflow_bench' and tablename like 'bf_bench_%_com'")"
fi
measure copy psql -q -c "\\copy ($query) to /dev/null"
if has_engine local; then
  measure minimal "$BUILD_DIR/bench/bench_odbc_minimal_read" "$minimal_conn" "$query" "$BATCH_ROWS"
  measure local "$BUILD_DIR/bench/bench_diff_run" local "$conn" public.bench_model "$tmp/state"
  cat "$tmp/out.local"
  grep -q "changed=$((ROWS / 200)) " "$tmp/out.local" || { echo "local engine: unexpected counts" >&2; exit 1; }
fi
if has_engine warehouse; then
  measure warehouse "$WAREHOUSE_BIN" warehouse "$conn" public.bench_model "$tmp/state"
  cat "$tmp/out.warehouse"
  grep -q "changed=$((ROWS / 200)) " "$tmp/out.warehouse" || { echo "warehouse engine: unexpected counts" >&2; exit 1; }
  ratios=("$(awk -v w="$SECONDS_warehouse" -v c="$SECONDS_copy" 'BEGIN { printf "%.3f", w / c }')")
  for ((i = 2; i <= REPEAT; i++)); do
    com=$(psql -Atc "select tablename from pg_tables where schemaname = 'backflow_bench' and tablename like 'bf_bench_%_com'")
    psql -q -c "drop table backflow_bench.$com" -c "create table backflow_bench.$com as table backflow_bench.bench_committed_copy" \
         -c "vacuum analyze backflow_bench.$com"
    measure copy_again psql -q -c "\\copy ($query) to /dev/null"
    measure warehouse_again "$WAREHOUSE_BIN" warehouse "$conn" public.bench_model "$tmp/state"
    grep -q "changed=$((ROWS / 200)) " "$tmp/out.warehouse_again" || { echo "warehouse engine: unexpected counts" >&2; exit 1; }
    echo "repetition $i: warehouse $SECONDS_warehouse_again s, \\copy $SECONDS_copy_again s"
    ratios+=("$(awk -v w="$SECONDS_warehouse_again" -v c="$SECONDS_copy_again" 'BEGIN { printf "%.3f", w / c }')")
  done
fi

echo
echo "rows=$ROWS columns=10, incremental run after 1% changed (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
printf "%-34s %10s %14s\n" what seconds "peak RSS MiB"
row() { awk -v l="$1" -v s="$2" -v m="$3" 'BEGIN { printf "%-34s %10.2f %14.1f\n", l, s, m / 1024 }'; }
row "psql \\copy (model) to /dev/null" "$SECONDS_copy" "$RSS_copy"
if has_engine local; then
  row "minimal ODBC block-fetch reader" "$SECONDS_minimal" "$RSS_minimal"
  row "local engine, first run" "$SECONDS_local_first" "$RSS_local_first"
  row "local engine, incremental" "$SECONDS_local" "$RSS_local"
fi
if has_engine warehouse; then
  row "warehouse engine, first run" "$SECONDS_warehouse_first" "$RSS_warehouse_first"
  row "warehouse engine, incremental" "$SECONDS_warehouse" "$RSS_warehouse"
fi
echo
if has_engine local; then
  awk -v l="$SECONDS_local" -v m="$SECONDS_minimal" 'BEGIN { printf "local / minimal reader: %.2fx (target <= 1.2)\n", l / m }'
  awk -v r="$RSS_local" 'BEGIN { printf "peak RSS local %.0f MiB (target <= 256)\n", r / 1024 }'
  du -sh "$tmp/state/snapshots" | awk '{ print "local snapshot on disk: " $1 }'
fi
if has_engine warehouse; then
  awk -v w="$SECONDS_warehouse" -v c="$SECONDS_copy" 'BEGIN { printf "warehouse / \\copy:      %.2fx (target <= 2.5)\n", w / c }'
  if (( REPEAT > 1 )); then
    printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END {
      printf "warehouse / \\copy, %d interleaved repetitions: ", NR; for (i = 1; i <= NR; i++) printf "%s%.2fx", (i > 1 ? ", " : ""), r[i];
      printf "; median %.2fx\n", (NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2) }'
  fi
  awk -v r="$RSS_warehouse" 'BEGIN { printf "peak RSS warehouse %.0f MiB (target <= 256)\n", r / 1024 }'
fi
