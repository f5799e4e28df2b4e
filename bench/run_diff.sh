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

[[ -x /usr/bin/time ]] || { echo "run_diff: /usr/bin/time missing (scripts/setup.sh installs package 'time')" >&2; exit 1; }
cmake --build "$BUILD_DIR" --target bench_diff_run bench_odbc_minimal_read >/dev/null

tmp=$(mktemp -d /tmp/backflow-diff-bench.XXXXXX)
cleanup() { tests/support/pg_cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
tests/support/pg_cluster.sh start "$tmp/pg" >/dev/null
env_value() { sed -n "s/^$1=//p" "$tmp/pg/pg.env"; }
export PGHOST=$(env_value PGHOST) PGPORT=$(env_value PGPORT) PGUSER=$(env_value PGUSER) PGDATABASE=$(env_value PGDATABASE)
conn="$(env_value BACKFLOW_TEST_PG_CONN)"
minimal_conn="${conn}UseDeclareFetch=1;Fetch=$FETCH_ROWS;BoolsAsChar=0;"

echo "generating $ROWS rows x 10 columns ..."
psql -q -v ON_ERROR_STOP=1 <<SQL
create table bench_model as
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
alter table bench_model add primary key (id);
vacuum analyze bench_model;
SQL
query="select id, account_id, score, name, email, note, amount, created_at, updated_at, active from bench_model"

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
