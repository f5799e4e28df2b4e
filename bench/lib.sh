# Shared by the bench/run_*.sh scripts (source it): a throwaway PostgreSQL
# cluster and the generated 10-column model every benchmark reads.

# bench_start_pg DIR: starts a cluster in DIR/pg (stopped by bench_stop_pg),
# exports PGHOST/PGPORT/PGUSER/PGDATABASE and sets BENCH_PG_CONN (ODBC).
bench_start_pg() {
  BENCH_PG_DIR="$1/pg"
  tests/support/pg_cluster.sh start "$BENCH_PG_DIR" >/dev/null
  local env_file="$BENCH_PG_DIR/pg.env"
  env_value() { sed -n "s/^$1=//p" "$env_file"; }
  export PGHOST=$(env_value PGHOST) PGPORT=$(env_value PGPORT) PGUSER=$(env_value PGUSER) PGDATABASE=$(env_value PGDATABASE)
  BENCH_PG_CONN="$(env_value BACKFLOW_TEST_PG_CONN)"
}

bench_stop_pg() {
  [[ -n "${BENCH_PG_DIR:-}" ]] && tests/support/pg_cluster.sh stop "$BENCH_PG_DIR" >/dev/null 2>&1 || true
}

# bench_generate_model TABLE ROWS: ROWS rows x 10 columns (int8 key, int4,
# int2, three texts of 10-60 bytes, numeric(14,2), timestamp, timestamptz,
# bool), with a primary key on id.
bench_generate_model() {
  local table=$1 rows=$2
  echo "generating $rows rows x 10 columns into $table ..."
  psql -q -v ON_ERROR_STOP=1 <<SQL
create table $table as
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
from generate_series(1, $rows) g;
alter table $table add primary key (id);
vacuum analyze $table;
SQL
}

BENCH_MODEL_COLUMNS="id, account_id, score, name, email, note, amount, created_at, updated_at, active"

# bench_diff_setup NAME: what the diff benchmarks share. Checks /usr/bin/time,
# builds the diff bench binaries, starts a cluster in a temp dir (removed on
# exit) holding bench_model with ROWS rows, and sets tmp, conn (ODBC),
# minimal_conn (the minimal reader's, with FETCH_ROWS) and query.
bench_diff_setup() {
  local name=$1
  [[ -x /usr/bin/time ]] || { echo "$name: /usr/bin/time missing (scripts/setup.sh installs package 'time')" >&2; exit 1; }
  cmake --build "$BUILD_DIR" --target bench_diff_run bench_odbc_minimal_read >/dev/null
  tmp=$(mktemp -d "/tmp/backflow-$name.XXXXXX")
  trap 'bench_stop_pg; rm -rf "$tmp"' EXIT
  bench_start_pg "$tmp"
  conn="$BENCH_PG_CONN"
  minimal_conn="${conn}UseDeclareFetch=1;Fetch=$FETCH_ROWS;BoolsAsChar=0;"
  bench_generate_model bench_model "$ROWS"
  query="select $BENCH_MODEL_COLUMNS from bench_model"
}

# measure NAME CMD...: runs CMD under /usr/bin/time with its output in
# $tmp/out.NAME (shown, and the script ends, if it fails); sets SECONDS_NAME
# (wall seconds) and RSS_NAME (peak KiB). Scripts with other needs
# (run_odbc_read.sh keeps minima over runs) define their own.
measure() {  # measure NAME CMD...   -> sets SECONDS_<NAME>, RSS_<NAME> (KiB)
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$tmp/out.$name" 2>&1 || { cat "$tmp/out.$name" >&2; exit 1; }
  local s m
  read -r s m <"$tmp/time"
  printf -v "SECONDS_$name" '%s' "$s"
  printf -v "RSS_$name" '%s' "$m"
}
