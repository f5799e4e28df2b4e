#!/usr/bin/env bash
# README command 1: install what is missing, build, and run real syncs on the
# embedded default: the bundled SQLite sample warehouse, read over ODBC, synced
# to a webhook receiver (`backflow receive`) on loopback. Then some rows of
# the sample change and the syncs run again: only the difference is sent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null
echo

root=$(pwd)
demo_dir=${BACKFLOW_DEMO_DIR:-build/demo}
mkdir -p "$demo_dir"
demo_dir=$(realpath "$demo_dir")
export BACKFLOW_SAMPLE_DB="$demo_dir/warehouse.db"
deploy/sample/make_warehouse.sh "$BACKFLOW_SAMPLE_DB"
rm -rf "$demo_dir/backflow-state" "$demo_dir/received.json"
config="$root/deploy/examples/embedded.yaml"
bin="$root/build/backflow"

# A free loopback port for the receiver.
port=""
for candidate in $(seq 18099 18199); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[[ -n "$port" ]] || { echo "no free port in 18099-18199" >&2; exit 1; }
export BACKFLOW_DEMO_WEBHOOK_URL="http://127.0.0.1:$port/hook"

"$bin" receive --listen "127.0.0.1:$port" --secret demo-signing-secret --store "$demo_dir/received.json" \
  >"$demo_dir/receiver.log" 2>&1 &
receiver_pid=$!
trap 'kill "$receiver_pid" 2>/dev/null || true; wait "$receiver_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
echo "webhook receiver on $BACKFLOW_DEMO_WEBHOOK_URL (pid $receiver_pid)"
echo

# The state (runs, snapshots, failed records) goes to $demo_dir/backflow-state.
backflow() { (cd "$demo_dir" && exec "$bin" "$@"); }

echo "== backflow validate -c $config --check-sources"
backflow validate -c "$config" --check-sources
echo
echo "== backflow preview -c $config customers_to_crm --limit 3"
backflow preview -c "$config" customers_to_crm --limit 3
echo
for sync in customers_to_crm accounts_to_crm; do
  echo "== backflow run -c $config $sync"
  backflow run -c "$config" "$sync"
  echo
done

received() { grep -c "\"{\\\\\"$1\\\\\"" "$demo_dir/received.json" || true; }
echo "the receiver holds $(received customer_id) customers and $(received account_id) accounts"
echo

echo "== changing the sample: 5 customers updated, 3 deleted, 4 added; accounts 7 and 8 renamed (their customers' company.name changes too); account 9 and its customers deleted"
sqlite3 "$BACKFLOW_SAMPLE_DB" <<'SQL'
UPDATE customers SET plan = 'enterprise' WHERE customer_id IN (1, 2, 3, 4, 5);
DELETE FROM customers WHERE customer_id IN (10, 11, 12);
INSERT INTO customers (customer_id, email, first_name, last_name, plan, lifetime_value, is_active, signed_up_at, account_id)
VALUES (100001, 'new1@example.com', 'Nia', 'New', 'free', 0, 1, '2024-06-01 09:00:00', 1),
       (100002, 'new2@example.com', 'Ola', 'New', 'pro', 120.50, 1, '2024-06-01 09:05:00', 2),
       (100003, 'new3@example.com', 'Per', 'New', 'starter', 9.99, 1, '2024-06-01 09:10:00', 3),
       (100004, 'new4@example.com', 'Quinn', 'New', 'free', 0, 0, '2024-06-01 09:15:00', 4);
UPDATE accounts SET name = name || ' (renamed)' WHERE account_id IN (7, 8);
DELETE FROM customers WHERE account_id = 9;
DELETE FROM accounts WHERE account_id = 9;
SQL
echo
for sync in customers_to_crm accounts_to_crm; do
  echo "== backflow run -c $config $sync   (incremental)"
  backflow run -c "$config" "$sync"
  echo
done

echo "== backflow status -c $config"
backflow status -c "$config"
echo
echo "the receiver holds $(received customer_id) customers and $(received account_id) accounts; customer 1 now:"
grep -A 14 '"{\\"customer_id\\":1}"' "$demo_dir/received.json" | sed -n '1,14p'
echo

# The service over the same state: the dashboard shows the runs above and can
# trigger more. On a terminal it stays up until Ctrl-C; otherwise (CI, a pipe)
# it is checked and stopped.
serve_port=8080
if (exec 3<>/dev/tcp/127.0.0.1/$serve_port) 2>/dev/null; then
  for candidate in $(seq 18200 18299); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then serve_port=$candidate; break; fi
  done
fi
dashboard="http://127.0.0.1:$serve_port/"
echo "== backflow serve -c $config --listen 127.0.0.1:$serve_port"
if [[ -t 0 && -t 1 ]]; then
  echo "dashboard: $dashboard (Ctrl-C to stop)"
  backflow serve -c "$config" --listen "127.0.0.1:$serve_port" || true
else
  (cd "$demo_dir" && exec "$bin" serve -c "$config" --listen "127.0.0.1:$serve_port") >"$demo_dir/serve.log" 2>&1 &
  serve_pid=$!
  trap 'kill "$serve_pid" "$receiver_pid" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
  up=""
  for _ in $(seq 100); do
    if curl -fsS "${dashboard}healthz" >/dev/null 2>&1; then up=1; break; fi
    sleep 0.1
  done
  [[ -n "$up" ]] || { echo "backflow serve did not come up; its log:" >&2; cat "$demo_dir/serve.log" >&2; exit 1; }
  curl -fsS "$dashboard" | grep -q "<title>" || { echo "the dashboard page did not load from $dashboard" >&2; exit 1; }
  echo "dashboard was up at $dashboard; the API's view of the syncs:"
  curl -fsS "${dashboard}api/v1/syncs" | python3 -c '
import datetime, json, sys
for sync in json.load(sys.stdin)["syncs"]:
    last = sync.get("last_run") or {}
    next_ms = sync.get("next_run_at_ms")
    next_run = datetime.datetime.utcfromtimestamp(next_ms / 1000).strftime("%H:%M:%S UTC") if next_ms else "-"
    print("  %-18s %-8s last run %-10s next run %s" % (sync["name"], sync["health"], last.get("phase", "-"), next_run))
'
  kill -TERM "$serve_pid"
  wait "$serve_pid" || { echo "backflow serve did not stop cleanly; its log is $demo_dir/serve.log" >&2; exit 1; }
  echo "(not on a terminal: the service was stopped; run 'cd $demo_dir && $bin serve -c $config' to keep it up)"
fi
