#!/usr/bin/env bash
# Benchmark: reading a generated PostgreSQL table (ROWS rows x 10 columns:
# ints, text, decimal, timestamp, timestamptz, bool) three ways, in one run:
#   (a) psql \copy (same query) to /dev/null  - the server + wire ceiling
#   (b) bench_odbc_minimal_read               - psqlODBC block fetch, nothing else
#   (c) bench_odbc_read                       - backflow's ODBC layer into Values
# Each is timed with /usr/bin/time: fastest wall time of RUNS, highest peak RSS.
# Starts its own PostgreSQL cluster in a temp dir and stops it on exit.
#
#   bench/run_odbc_read.sh            (env: ROWS=2000000 RUNS=3 BATCH_ROWS=1000 FETCH_ROWS=10000)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BACKFLOW_BUILD_DIR:-build}
ROWS=${ROWS:-2000000}
RUNS=${RUNS:-3}
BATCH_ROWS=${BATCH_ROWS:-1000}
FETCH_ROWS=${FETCH_ROWS:-10000}

[[ -x /usr/bin/time ]] || { echo "run_odbc_read: /usr/bin/time missing (scripts/setup.sh installs package 'time')" >&2; exit 1; }
cmake --build "$BUILD_DIR" --target bench_odbc_read bench_odbc_minimal_read >/dev/null

tmp=$(mktemp -d /tmp/backflow-bench.XXXXXX)
cleanup() { tests/support/pg_cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
tests/support/pg_cluster.sh start "$tmp/pg" >/dev/null
env_value() { sed -n "s/^$1=//p" "$tmp/pg/pg.env"; }
export PGHOST=$(env_value PGHOST) PGPORT=$(env_value PGPORT) PGUSER=$(env_value PGUSER) PGDATABASE=$(env_value PGDATABASE)
# Both ODBC readers get the same driver settings (the layer would add them itself).
conn="$(env_value BACKFLOW_TEST_PG_CONN)UseDeclareFetch=1;Fetch=$FETCH_ROWS;BoolsAsChar=0;"

echo "generating $ROWS rows x 10 columns ..."
psql -q -v ON_ERROR_STOP=1 <<SQL
create table bench_read as
select g::int8                                                        as id,
       (g % 100000)::int4                                             as account_id,
       (g % 1000)::int2                                               as score,
       'customer ' || g                                               as name,
       md5(g::text) || '@example.com'                                 as email,
       repeat('n', 10 + g % 50)                                       as note,
       (g * 0.37)::numeric(14,2)                                      as amount,
       timestamp '2024-01-01' + g * interval '1 second'               as created_at,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' as updated_at,
       g % 3 = 0                                                      as active
from generate_series(1, $ROWS) g;
vacuum analyze bench_read;
SQL
query="select id, account_id, score, name, email, note, amount, created_at, updated_at, active from bench_read"

# Runs are interleaved (copy, minimal, backflow, copy, ...) so that load from
# elsewhere on the machine hits all three alike; each keeps its fastest run.
declare -A seconds rss cpu
measure() {  # measure NAME CMD...
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$@" >"$tmp/out.$name" 2>&1 || { cat "$tmp/out.$name" >&2; exit 1; }
  local s m u k c
  read -r s m u k <"$tmp/time"
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
done
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
    -v ca="${cpu[backflow]}" -v cb="${cpu[minimal]}" 'BEGIN {
  ratio = b / a; mib = m / 1024;
  printf "\nclient CPU (user+sys, lowest run): backflow %.2f s vs minimal %.2f s (overhead %+.1f%%)", ca, cb, (ca / cb - 1) * 100;
  printf "\nbackflow/minimal throughput: %.2fx (target >= 0.90: %s)\n", ratio, (ratio >= 0.9) ? "met" : "MISSED";
  printf "backflow peak RSS: %.1f MiB (target <= 64: %s)\n", mib, (mib <= 64) ? "met" : "MISSED" }'
