#!/usr/bin/env bash
# Starts or stops a throwaway MariaDB server for tests and benchmarks.
#
#   mariadb_server.sh start DIR   initialises a data directory, starts mariadbd
#                                 on a free loopback port; writes DIR/mariadb.env
#   mariadb_server.sh stop DIR    stops it and removes its data
#
# DIR/mariadb.env holds MARIADB_HOST, MARIADB_PORT, MARIADB_USER,
# MARIADB_PASSWORD, MARIADB_DATABASE, MARIADB_SOCKET and
# BACKFLOW_TEST_MARIADB_CONN (an ODBC connection string naming Debian's
# Connector/ODBC by path, over TCP as a password user, as a warehouse would be
# reached). The server runs with the settings of a default Debian install
# (InnoDB, REPEATABLE READ, join_cache_level 2) so that tests see what users
# see; only durability is relaxed for speed.
set -euo pipefail

cmd=${1:?usage: mariadb_server.sh start|stop DIR}
dir=$(realpath -m "${2:?usage: mariadb_server.sh start|stop DIR}")
MARIADBD=${MARIADBD:-$(command -v mariadbd || echo /usr/sbin/mariadbd)}
[[ -x "$MARIADBD" ]] || { echo "mariadb_server: no mariadbd (install mariadb-server)" >&2; exit 1; }

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$cmd" in
start)
  mkdir -p "$dir"
  data="$dir/data"
  sock="$dir/mariadb.sock"
  # A socket path must fit in sun_path (108 bytes): fall back to /tmp.
  if ((${#sock} > 100)); then sock=$(mktemp -u /tmp/backflow-mariadb.XXXXXX.sock); fi
  rm -rf "$data"; mkdir -p "$data"
  as_user=()
  if [[ $(id -u) -eq 0 ]]; then as_user=(--user=root); fi
  mariadb-install-db --no-defaults --datadir="$data" "${as_user[@]}" --auth-root-authentication-method=normal \
    --skip-test-db >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
  port=$(( 20000 + RANDOM % 20000 ))
  started=0
  for attempt in $(seq 1 30); do
    if port_is_free "$port"; then
      "$MARIADBD" --no-defaults --datadir="$data" "${as_user[@]}" --port="$port" --bind-address=127.0.0.1 \
        --socket="$sock" --pid-file="$data/mariadbd.pid" --log-error="$data/server.log" \
        --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --innodb-buffer-pool-size=256M \
        --skip-name-resolve --max-connections=300 --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_unicode_ci >/dev/null 2>&1 &
      for _ in $(seq 1 120); do
        if mariadb --no-defaults --socket="$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then started=1; break; fi
        kill -0 $! 2>/dev/null || break
        sleep 0.25
      done
      [[ $started -eq 1 ]] && break
      kill $! 2>/dev/null || true
    fi
    port=$(( 20000 + RANDOM % 20000 ))
  done
  [[ $started -eq 1 ]] || { cat "$data/server.log" >&2; exit 1; }
  password="backflow-test-$RANDOM$RANDOM"
  mariadb --no-defaults --socket="$sock" -uroot <<SQL
CREATE DATABASE backflow_test CHARACTER SET utf8mb4;
CREATE USER 'backflow'@'%' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'backflow'@'%';
FLUSH PRIVILEGES;
SQL
  driver=""
  for candidate in /usr/lib/x86_64-linux-gnu/odbc/libmaodbc.so /usr/lib/aarch64-linux-gnu/odbc/libmaodbc.so /usr/lib/odbc/libmaodbc.so; do
    [[ -f "$candidate" ]] && { driver=$candidate; break; }
  done
  cat >"$dir/mariadb.env" <<ENV
MARIADB_DATA_DIR=$data
MARIADB_SOCKET=$sock
MARIADB_HOST=127.0.0.1
MARIADB_PORT=$port
MARIADB_USER=backflow
MARIADB_PASSWORD=$password
MARIADB_DATABASE=backflow_test
BACKFLOW_TEST_MARIADB_CONN=Driver=$driver;Server=127.0.0.1;Port=$port;Database=backflow_test;Uid=backflow;Pwd=$password;
ENV
  echo "mariadb_server: MariaDB running on 127.0.0.1:$port (data $data)"
  ;;
stop)
  [[ -f "$dir/mariadb.env" ]] || exit 0
  data=$(sed -n 's/^MARIADB_DATA_DIR=//p' "$dir/mariadb.env")
  sock=$(sed -n 's/^MARIADB_SOCKET=//p' "$dir/mariadb.env")
  if [[ -f "$data/mariadbd.pid" ]]; then
    pid=$(cat "$data/mariadbd.pid")
    kill -9 "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -rf "$data" "$dir/mariadb.env"
  [[ "$sock" == /tmp/* ]] && rm -f "$sock"
  echo "mariadb_server: stopped"
  ;;
*)
  echo "usage: mariadb_server.sh start|stop DIR" >&2; exit 2 ;;
esac
