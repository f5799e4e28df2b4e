#!/usr/bin/env bash
# Builds the embedded sample warehouse (a SQLite file) from warehouse.sql.
#   make_warehouse.sh OUT.db    (replaces OUT.db if it exists)
set -euo pipefail
out=${1:?usage: make_warehouse.sh OUT.db}
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$out" "$out-wal" "$out-shm"
sqlite3 "$out" <"$here/warehouse.sql" >/dev/null
echo "sample warehouse: $out ($(sqlite3 "$out" 'select count(*) from customers') customers, $(sqlite3 "$out" 'select count(*) from accounts') accounts)"
