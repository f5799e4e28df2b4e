#!/usr/bin/env bash
# ctest's dashboard_live_chromium: the dashboard of a real `backflow serve`
# running real syncs. Builds the embedded sample warehouse, starts
# `backflow receive --require customers_to_crm:last_name` (customers without
# a last name are rejected per record, as a CRM with a required property
# would; accounts need none) and
# `backflow serve` with a token on deploy/examples/embedded.yaml; the
# schedule runs customers_to_crm at start and accounts_to_crm after it. Then
# live_dashboard.test.js checks in headless Chromium what an operator sees.
#
#   run_live_dashboard_test.sh BACKFLOW_BINARY WORK_DIR
set -euo pipefail
bin=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
chromium=${BACKFLOW_CHROMIUM:-/usr/bin/chromium}

[[ -x $chromium ]] || { echo "FAIL: $chromium is missing (scripts/setup.sh installs chromium)"; exit 1; }
source "$here/install_playwright.sh"
install_playwright "$here" "$work"

dir=$(mktemp -d "$work/live.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

export BACKFLOW_SAMPLE_DB="$dir/warehouse.db"
"$root/deploy/sample/make_warehouse.sh" "$BACKFLOW_SAMPLE_DB" >/dev/null
receiver_port=$(free_port)
export BACKFLOW_DEMO_WEBHOOK_URL="http://127.0.0.1:$receiver_port/hook"
"$bin" receive --listen "127.0.0.1:$receiver_port" --secret demo-signing-secret --require customers_to_crm:last_name \
  --store "$dir/received.json" >"$dir/receiver.log" 2>&1 &
pids+=($!)

token="live-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
sed "s|server: { listen: \"127.0.0.1:8080\" }|server: { listen: \"127.0.0.1:8080\", auth_token: \"$token\" }|" \
  "$root/deploy/examples/embedded.yaml" >"$dir/backflow.yaml"
grep -q auth_token "$dir/backflow.yaml" || { echo "FAIL: could not set server.auth_token in the example config"; exit 1; }
port=$(free_port)
base="http://127.0.0.1:$port"
(cd "$dir" && exec "$bin" serve -c "$dir/backflow.yaml" --listen "127.0.0.1:$port") >"$dir/serve.log" 2>&1 &
pids+=($!)

api() { curl -fsS -H "Authorization: Bearer $token" "$base$1"; }
last_phase() {
  api "/api/v1/syncs/$1" 2>/dev/null |
    python3 -c 'import json,sys; r=json.load(sys.stdin).get("last_run") or {}; print(r.get("phase",""))' 2>/dev/null || true
}
# 51 of 5,000 customers are refused: that run is partial (within
# outcome.max_rejected_pct); every account arrives: that run succeeded.
for _ in $(seq 600); do
  [[ $(last_phase customers_to_crm) == partial && $(last_phase accounts_to_crm) == succeeded ]] && break
  sleep 0.1
done
if [[ $(last_phase customers_to_crm) != partial || $(last_phase accounts_to_crm) != succeeded ]]; then
  echo "FAIL: the scheduled runs did not end partial and succeeded within 60 s; serve log:"; cat "$dir/serve.log"; exit 1
fi

grouped() { python3 -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$1"; }  # as the dashboard writes counts: 5,000
customers=$(sqlite3 "$BACKFLOW_SAMPLE_DB" "select count(*) from customer_profiles")
nameless=$(sqlite3 "$BACKFLOW_SAMPLE_DB" "select count(*) from customer_profiles where last_name is null or last_name = ''")
first_nameless=$(sqlite3 "$BACKFLOW_SAMPLE_DB" "select min(customer_id) from customer_profiles where last_name is null or last_name = ''")
((nameless > 0)) || { echo "FAIL: the sample has no customer without a last name to reject"; exit 1; }
failing=$(api /api/v1/syncs/customers_to_crm | python3 -c 'import json,sys; print(json.load(sys.stdin)["failing_records"])')
[[ $failing == "$nameless" ]] || { echo "FAIL: the API reports $failing failing records, the sample has $nameless refused customers"; exit 1; }
run_id=$(api /api/v1/syncs/customers_to_crm | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_run"]["id"])')
# The key as the API and the dashboard write it for that customer.
key=$(api "/api/v1/runs/$run_id/records?status=rejected&limit=500" |
  python3 -c "import json,sys; print(next(r['key'] for r in json.load(sys.stdin)['records'] if '$first_nameless' in r['key']))")

cat >"$dir/expect.json" <<JSON
{"url": "$base", "sync": "customers_to_crm", "run": "$run_id", "added": "$(grouped "$customers")", "rejected": "$(grouped "$nameless")",
 "rejected_key": $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$key"),
 "rejected_message": "field 'last_name' is required"}
JSON
mkdir -p "$work/screenshots"
NODE_PATH="$work/node_modules" node "$here/live_dashboard.test.js" \
  --expect "$dir/expect.json" --token "$token" --chromium "$chromium" \
  --screenshots "$work/screenshots" --profile-root "$work"
