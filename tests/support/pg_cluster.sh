#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 cluster for tests and benchmarks.
#
#   pg_cluster.sh start DIR   initdb + start on a free loopback port; writes DIR/pg.env
#   pg_cluster.sh stop DIR    stops it (immediate) and removes its data
#
# DIR/pg.env holds PGHOST, PGPORT, PGUSER, PGDATABASE and BACKFLOW_TEST_PG_CONN
# (an ODBC connection string naming the driver by path). PostgreSQL refuses to
# run as root, so as root the server runs as the `postgres` user.
set -euo pipefail

cmd=${1:?usage: pg_cluster.sh start|stop DIR}
dir=$(realpath -m "${2:?usage: pg_cluster.sh start|stop DIR}")
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
[[ -x "$PGBIN/initdb" ]] || { echo "pg_cluster: no PostgreSQL server binaries under /usr/lib/postgresql (install postgresql-15)" >&2; exit 1; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$cmd" in
start)
  mkdir -p "$dir"
  # The data directory must be reachable by the server's user; the build tree
  # may sit under a directory only root can enter, then /tmp is used instead.
  data="$dir/data"
  if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$dir"; then
    data=$(mktemp -d /tmp/backflow-pg.XXXXXX)
  fi
  rm -rf "$data"; mkdir -p "$data"
  sock=$(mktemp -d /tmp/backflow-pgsock.XXXXXX)
  if [[ $(id -u) -eq 0 ]]; then chown postgres "$data" "$sock"; chmod 700 "$data"; fi
  user=$(if [[ $(id -u) -eq 0 ]]; then echo postgres; else id -un; fi)
  as_owner "$PGBIN/initdb" -D "$data" -U "$user" -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  port=$(( 20000 + RANDOM % 20000 ))
  for attempt in $(seq 1 50); do
    if port_is_free "$port" && as_owner "$PGBIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null 2>&1; then
      break
    fi
    port=$(( 20000 + RANDOM % 20000 ))
    [[ $attempt -lt 50 ]] || { cat "$data/server.log" >&2; exit 1; }
  done
  driver=""
  for candidate in /usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so /usr/lib/aarch64-linux-gnu/odbc/psqlodbcw.so /usr/lib/odbc/psqlodbcw.so; do
    [[ -f "$candidate" ]] && { driver=$candidate; break; }
  done
  cat >"$dir/pg.env" <<ENV
PGDATA_DIR=$data
PGSOCKET_DIR=$sock
PGBIN=$PGBIN
PGHOST=127.0.0.1
PGPORT=$port
PGUSER=$user
PGDATABASE=postgres
BACKFLOW_TEST_PG_CONN=Driver=$driver;Server=127.0.0.1;Port=$port;Database=postgres;Uid=$user;Pwd=;
ENV
  echo "pg_cluster: PostgreSQL running on 127.0.0.1:$port (data $data)"
  ;;
stop)
  [[ -f "$dir/pg.env" ]] || exit 0
  data=$(sed -n 's/^PGDATA_DIR=//p' "$dir/pg.env")
  sock=$(sed -n 's/^PGSOCKET_DIR=//p' "$dir/pg.env")
  as_owner "$PGBIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$data" "$sock" "$dir/pg.env"
  echo "pg_cluster: stopped"
  ;;
*)
  echo "usage: pg_cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
