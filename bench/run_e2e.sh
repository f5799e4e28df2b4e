#!/usr/bin/env bash
# Benchmark (issue 5): `backflow run` end to end on PostgreSQL, a ROWS-row model
# (id key + 6 mapped columns) to an unlimited loopback HTTP sink (webhook
# destination, batches of 500, 4 requests in flight). For each diff engine: the
# first run (everything added and sent) and a run after 1% of the rows changed
# (0.5% updated, 0.25% deleted, 0.25% inserted; on_delete: delete), wall time
# and peak RSS, beside `psql \copy (model) to /dev/null` in the same run.
# Starts its own PostgreSQL cluster in a temp dir and stops it on exit.
#
#   bench/run_e2e.sh                  (env: ROWS=1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
BUILD_DIR=${BACKFLOW_BUILD_DIR:-build}
ROWS=${ROWS:-1000000}
[[ -x /usr/bin/time ]] || { echo "run_e2e: /usr/bin/time missing (scripts/setup.sh installs package 'time')" >&2; exit 1; }
cmake --build "$BUILD_DIR" --target backflow bench_sink >/dev/null
bin=$(realpath "$BUILD_DIR/backflow")

tmp=$(mktemp -d /tmp/backflow-e2e-bench.XXXXXX)
sink_pid=""
cleanup() {
  [[ -n "$sink_pid" ]] && kill "$sink_pid" 2>/dev/null || true
  tests/support/pg_cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
tests/support/pg_cluster.sh start "$tmp/pg" >/dev/null
env_value() { sed -n "s/^$1=//p" "$tmp/pg/pg.env"; }
export PGHOST=$(env_value PGHOST) PGPORT=$(env_value PGPORT) PGUSER=$(env_value PGUSER) PGDATABASE=$(env_value PGDATABASE)
conn="$(env_value BACKFLOW_TEST_PG_CONN)"

"$BUILD_DIR/bench/bench_sink" >"$tmp/sink.url" &
sink_pid=$!
for _ in $(seq 50); do [[ -s "$tmp/sink.url" ]] && break; sleep 0.1; done
url=$(cat "$tmp/sink.url")

echo "generating $ROWS rows ..."
psql -q -v ON_ERROR_STOP=1 <<SQL
create table bench_model as
select g::int8 as id, 'customer ' || g as name, md5(g::text) || '@example.com' as email,
       (g % 1000)::int4 as score, (g * 0.37)::numeric(14,2) as amount,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' as updated_at, g % 3 = 0 as active
from generate_series(1, $ROWS) g;
alter table bench_model add primary key (id);
vacuum analyze bench_model;
SQL

cat >"$tmp/bench.yaml" <<YAML
version: 1
state_dir: $tmp/state
warehouses:
  pg: { connection: "$conn", dialect: postgres, bookkeeping_schema: backflow_bench }
destinations:
  sink: { type: webhook, url: "$url", batch_size: 500, max_concurrency: 4 }
syncs:
$(for engine in local warehouse; do cat <<SYNC
  e2e_$engine:
    source: { warehouse: pg, table: public.bench_model, primary_key: id }
    destination: { name: sink, mode: upsert, on_delete: delete }
    mapping: { name: name, email: email, score: score, amount: amount, updated_at: updated_at, active: active }
    diff: { engine: $engine }
SYNC
done)
YAML

query="select id, name, email, score, amount, updated_at, active from bench_model"
echo "first runs ..."
measure copy_first psql -q -c "\\copy ($query) to /dev/null"
measure local_first "$bin" run -c "$tmp/bench.yaml" e2e_local
measure warehouse_first "$bin" run -c "$tmp/bench.yaml" e2e_warehouse
cat "$tmp/out.local_first" "$tmp/out.warehouse_first"

echo "changing 1% of the rows ..."
psql -q -v ON_ERROR_STOP=1 <<SQL
update bench_model set name = name || ' (moved)', amount = amount + 1 where id % 200 = 1;
delete from bench_model where id % 400 = 2;
insert into bench_model
select $ROWS + g, 'new customer ' || g, md5(g::text) || '@example.org', g % 1000, g * 0.5,
       timestamptz '2025-01-01 00:00:00+00', true
from generate_series(1, $ROWS / 400) g;
vacuum analyze bench_model;
SQL

echo "incremental runs ..."
measure copy psql -q -c "\\copy ($query) to /dev/null"
measure local "$bin" run -c "$tmp/bench.yaml" e2e_local
measure warehouse "$bin" run -c "$tmp/bench.yaml" e2e_warehouse
cat "$tmp/out.local" "$tmp/out.warehouse"

echo
echo "rows=$ROWS, webhook to a loopback sink (batches of 500, 4 in flight)"
printf "%-40s %10s %14s\n" what seconds "peak RSS MiB"
row() { awk -v l="$1" -v s="$2" -v m="$3" 'BEGIN { printf "%-40s %10.2f %14.1f\n", l, s, m / 1024 }'; }
row "psql \\copy (model) to /dev/null, first" "$SECONDS_copy_first" "$RSS_copy_first"
row "local engine, first run" "$SECONDS_local_first" "$RSS_local_first"
row "warehouse engine, first run" "$SECONDS_warehouse_first" "$RSS_warehouse_first"
row "psql \\copy (model) to /dev/null, after" "$SECONDS_copy" "$RSS_copy"
row "local engine, 1% changed" "$SECONDS_local" "$RSS_local"
row "warehouse engine, 1% changed" "$SECONDS_warehouse" "$RSS_warehouse"
