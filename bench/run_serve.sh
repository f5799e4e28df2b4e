#!/usr/bin/env bash
# Benchmark (issue 7): `backflow serve` with SYNCS syncs on short intervals
# against an unlimited loopback sink, for DURATION seconds.
#   - scheduling delay (due time -> a worker starts the run), p50/p99/max,
#     from the service's "run started ... schedule_delay_ms=N" log lines;
#     the start-up burst (every sync due at once) is reported apart;
#   - API latency p50/p99 under CLIENTS concurrent connections (wrk), on the
#     sync list, one sync, and /healthz as the reference (the HTTP layer alone);
#   - the service's RSS (peak, VmHWM) and CPU time.
# Each sync reads its own 100-row slice of a SQLite model over ODBC (local
# diff engine) and sends its changes as webhooks; a few rows change every
# second, so runs deliver something.
#
#   bench/run_serve.sh          (env: SYNCS=200 INTERVAL=30s DURATION=120 CLIENTS=50 WORKERS=4)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BACKFLOW_BUILD_DIR:-build}
SYNCS=${SYNCS:-200}
INTERVAL=${INTERVAL:-30s}
DURATION=${DURATION:-120}
CLIENTS=${CLIENTS:-50}
WORKERS=${WORKERS:-4}
command -v wrk >/dev/null || { echo "run_serve: wrk missing (apt-get install wrk)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "run_serve: sqlite3 missing (scripts/setup.sh installs it)" >&2; exit 1; }
cmake --build "$BUILD_DIR" --target backflow bench_sink >/dev/null
bin=$(realpath "$BUILD_DIR/backflow")
driver=${BACKFLOW_SQLITEODBC:-$(find /usr/lib -name libsqlite3odbc.so -print -quit)}

tmp=$(mktemp -d /tmp/backflow-serve-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n "${KEEP:-}" ]] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

rows=$((SYNCS * 100))
sqlite3 "$tmp/model.db" <<SQL
create table people (id integer primary key, slice integer, name text, score integer);
with recursive g(i) as (select 1 union all select i + 1 from g where i < $rows)
insert into people select i, i % $SYNCS, 'person ' || i, i % 97 from g;
create index people_slice on people(slice);
SQL

"$BUILD_DIR/bench/bench_sink" >"$tmp/sink.url" &
pids+=($!)
for _ in $(seq 50); do [[ -s "$tmp/sink.url" ]] && break; sleep 0.1; done
sink=$(cat "$tmp/sink.url")
port=$(free_port)
base="http://127.0.0.1:$port"

{
  echo "version: 1"
  echo "state_dir: $tmp/state"
  echo "server: { listen: \"127.0.0.1:$port\", workers: $WORKERS }"
  echo "warehouses:"
  echo "  model: { connection: \"Driver=$driver;Database=$tmp/model.db\", dialect: sqlite }"
  echo "destinations:"
  echo "  sink: { type: webhook, url: \"$sink\", batch_size: 100 }"
  echo "syncs:"
  for i in $(seq 0 $((SYNCS - 1))); do
    printf '  sync_%03d:\n' "$i"
    echo "    source: { warehouse: model, query: \"SELECT id, name, score FROM people WHERE slice = $i\", primary_key: id }"
    echo "    destination: { name: sink, mode: upsert }"
    echo "    mapping: { name: name, score: score }"
    echo "    schedule: { every: $INTERVAL }"
  done
} >"$tmp/backflow.yaml"
"$bin" validate -c "$tmp/backflow.yaml" >/dev/null

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "setup:   $SYNCS syncs every $INTERVAL, $WORKERS workers, 100 rows each (SQLite over ODBC, local engine), webhook to a loopback sink; $DURATION s"

"$bin" serve -c "$tmp/backflow.yaml" >"$tmp/serve.log" 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
for _ in $(seq 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
start=$(date +%s)

# A few rows change every second, so runs have something to send.
(
  n=0
  while sleep 1; do
    n=$((n + 1))
    sqlite3 "$tmp/model.db" "update people set score = score + 1 where id % 997 = $((n % 997))" 2>/dev/null || true
  done
) &
pids+=($!)

peak_rss=0
sample_rss() {
  local rss
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$serve_pid/status" 2>/dev/null || echo 0)
  ((rss > peak_rss)) && peak_rss=$rss
  return 0
}

# The first half without API load (the start-up burst, then the schedule
# alone), the second half under wrk; scheduling delays are reported per half.
settle=$((DURATION / 2))
for _ in $(seq "$settle"); do sample_rss; sleep 1; done
date +%s%3N >"$tmp/api_load_start"
wrk_time=$(((DURATION - settle) / 3))
((wrk_time < 5)) && wrk_time=5
run_wrk() {  # LABEL PATH
  sample_rss
  local out
  out=$(wrk -t2 -c"$CLIENTS" -d"${wrk_time}s" --latency "$base$2" 2>&1)
  sample_rss
  local p50 p99 rps errors
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '  %-28s p50 %-9s p99 %-9s %9s req/s  non-2xx %s\n' "$1" "$p50" "$p99" "$rps" "${errors:-0}"
}
echo "API latency, $CLIENTS connections, ${wrk_time}s each, while the syncs run:"
run_wrk "GET /healthz (reference)" /healthz
run_wrk "GET /api/v1/syncs/sync_007" /api/v1/syncs/sync_007
run_wrk "GET /api/v1/syncs ($SYNCS)" /api/v1/syncs
while (($(date +%s) - start < DURATION)); do sample_rss; sleep 1; done

hwm=$(awk '/VmHWM/ {print $2}' "/proc/$serve_pid/status")
cpu=$(awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$serve_pid/stat")
kill -TERM "$serve_pid"
wait "$serve_pid" || echo "serve exited with $?"

python3 - "$tmp/serve.log" "$SYNCS" "$(cat "$tmp/api_load_start")" <<'PY'
import datetime, re, sys
log, syncs, api_start_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
delays, loaded, ended = [], [], {}
for line in open(log):
    m = re.search(r"^(\S+) .*run started: sync=(\S+) run=\S+ schedule_delay_ms=(\d+)", line)
    if m:
        at = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        (loaded if at.timestamp() * 1000 >= api_start_ms else delays).append(int(m.group(3)))
    m = re.search(r"run ended: sync=\S+ run=\S+ phase=(\w+)", line)
    if m:
        ended[m.group(1)] = ended.get(m.group(1), 0) + 1
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")
burst, steady = delays[:syncs], delays[syncs:]
print("runs ended by phase: " + ", ".join(f"{k} {v}" for k, v in sorted(ended.items())))
print(f"scheduling delay, start-up burst ({len(burst)} runs due at once): p50 {pct(burst, 50)} ms  p99 {pct(burst, 99)} ms  max {max(burst, default=0)} ms")
print(f"scheduling delay, steady state ({len(steady)} runs):             p50 {pct(steady, 50)} ms  p99 {pct(steady, 99)} ms  max {max(steady, default=0)} ms")
print(f"scheduling delay, under the API load ({len(loaded)} runs):         p50 {pct(loaded, 50)} ms  p99 {pct(loaded, 99)} ms  max {max(loaded, default=0)} ms")
PY
echo "serve RSS: peak sampled $((peak_rss / 1024)) MiB, VmHWM $((hwm / 1024)) MiB; CPU time ${cpu} s over ${DURATION} s"
