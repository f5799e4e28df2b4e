#!/usr/bin/env bash
# README command 1: install what is missing, build, and run backflow on the
# embedded default: the bundled SQLite sample warehouse over ODBC.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null
echo

demo_dir=${BACKFLOW_DEMO_DIR:-build/demo}
mkdir -p "$demo_dir"
export BACKFLOW_SAMPLE_DB=$(realpath "$demo_dir/warehouse.db")
[[ -f "$BACKFLOW_SAMPLE_DB" ]] || deploy/sample/make_warehouse.sh "$BACKFLOW_SAMPLE_DB"
export BACKFLOW_DEMO_WEBHOOK_URL=${BACKFLOW_DEMO_WEBHOOK_URL:-http://127.0.0.1:8099/hook}
config=deploy/examples/embedded.yaml
bin=build/backflow

echo "== backflow validate -c $config"
"$bin" validate -c "$config"
echo
echo "== backflow preview -c $config customers_to_crm --limit 5"
"$bin" preview -c "$config" customers_to_crm --limit 5
echo
echo "== backflow preview -c $config accounts_to_crm --limit 3"
"$bin" preview -c "$config" accounts_to_crm --limit 3
