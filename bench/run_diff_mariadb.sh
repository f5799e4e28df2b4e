#!/usr/bin/env bash
# Benchmark: the two diff engines on a generated MariaDB model of ROWS rows x
# 10 columns (the same shape as bench/run_diff.sh's PostgreSQL model). For
# each engine: a first run (everything added), then 1% of the rows change
# (0.5% updated, 0.25% deleted, 0.25% inserted) and the incremental run is
# measured, side by side with `mariadb -e 'select … from the model' >
# /dev/null` in the same run. Timed with /usr/bin/time (wall seconds, peak
# RSS). Starts its own MariaDB server in a temp dir and stops it on exit.
#
#   bench/run_diff_mariadb.sh        (env: ROWS=1000000 ENGINES="local warehouse")
#
# Targets (issue: MariaDB): warehouse engine incremental <= 3x the export;
# peak RSS flat in ROWS (the driver streams, NO_CACHE).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
BUILD_DIR=${BACKFLOW_BUILD_DIR:-build}
ROWS=${ROWS:-1000000}
ENGINES=${ENGINES:-local warehouse}
has_engine() { [[ " $ENGINES " == *" $1 "* ]]; }
[[ -x /usr/bin/time ]] || { echo "run_diff_mariadb: /usr/bin/time missing (scripts/setup.sh installs package 'time')" >&2; exit 1; }
cmake --build "$BUILD_DIR" --target bench_diff_run >/dev/null

tmp=$(mktemp -d /tmp/backflow-diff-mariadb.XXXXXX)
trap 'tests/support/mariadb_server.sh stop "$tmp/mariadb" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
tests/support/mariadb_server.sh start "$tmp/mariadb" >/dev/null
env_value() { sed -n "s/^$1=//p" "$tmp/mariadb/mariadb.env"; }
conn=$(env_value BACKFLOW_TEST_MARIADB_CONN)
sock=$(env_value MARIADB_SOCKET)
sql() { mariadb --no-defaults --socket="$sock" -uroot backflow_test "$@"; }

echo "generating $ROWS rows x 10 columns into bench_model ..."
sql <<SQL
CREATE TABLE bench_model (
  id BIGINT PRIMARY KEY, account_id INT, score SMALLINT, name VARCHAR(64), email VARCHAR(64), note VARCHAR(64),
  amount DECIMAL(14,2), created_at DATETIME(6), updated_at TIMESTAMP(6) NULL, active BOOLEAN
) CHARACTER SET utf8mb4;
INSERT INTO bench_model
SELECT seq, seq % 100000, seq % 1000, CONCAT('customer ', seq), CONCAT(MD5(seq), '@example.com'),
       REPEAT('n', 10 + seq % 50), seq * 0.37, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND,
       TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (seq % 500000) MINUTE, seq % 3 = 0
FROM seq_1_to_${ROWS};
ANALYZE TABLE bench_model;
SQL
query="SELECT id, account_id, score, name, email, note, amount, created_at, updated_at, active FROM bench_model"

echo "first runs ..."
for engine in $ENGINES; do
  measure "${engine}_first" "$BUILD_DIR/bench/bench_diff_run" "$engine" "$conn" bench_model "$tmp/state"
  cat "$tmp/out.${engine}_first"
done

echo "changing 1% of the rows ..."
sql <<SQL
UPDATE bench_model SET name = CONCAT(name, ' (moved)'), amount = amount + 1 WHERE id % 200 = 1;
DELETE FROM bench_model WHERE id % 400 = 2;
INSERT INTO bench_model
SELECT $ROWS + seq, seq % 100000, seq % 1000, CONCAT('new customer ', seq), CONCAT(MD5(seq), '@example.org'), 'new',
       seq * 0.5, TIMESTAMP '2025-01-01 00:00:00', TIMESTAMP '2025-01-01 00:00:00', TRUE
FROM seq_1_to_$((ROWS / 400));
ANALYZE TABLE bench_model;
SQL

echo "incremental runs ..."
measure export sh -c "mariadb --no-defaults --socket='$sock' -uroot backflow_test --quick -e '$query' > /dev/null"
for engine in $ENGINES; do
  measure "$engine" "$BUILD_DIR/bench/bench_diff_run" "$engine" "$conn" bench_model "$tmp/state"
  cat "$tmp/out.$engine"
  grep -q "changed=$((ROWS / 200)) " "$tmp/out.$engine" || { echo "$engine engine: unexpected counts" >&2; exit 1; }
done

echo
echo "MariaDB $(sql -N -e 'select version()'), rows=$ROWS columns=10, incremental run after 1% changed (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
printf "%-40s %10s %14s\n" what seconds "peak RSS MiB"
row() { awk -v l="$1" -v s="$2" -v m="$3" 'BEGIN { printf "%-40s %10.2f %14.1f\n", l, s, m / 1024 }'; }
row "mariadb -e 'select (model)' > /dev/null" "$SECONDS_export" "$RSS_export"
for engine in $ENGINES; do
  first="SECONDS_${engine}_first" first_rss="RSS_${engine}_first" inc="SECONDS_$engine" inc_rss="RSS_$engine"
  row "$engine engine, first run" "${!first}" "${!first_rss}"
  row "$engine engine, incremental" "${!inc}" "${!inc_rss}"
done
echo
for engine in $ENGINES; do
  inc="SECONDS_$engine"
  awk -v e="$engine" -v w="${!inc}" -v c="$SECONDS_export" 'BEGIN { printf "%s / export: %.2fx%s\n", e, w / c, e == "warehouse" ? " (target <= 3)" : "" }'
done
