#!/usr/bin/env bash
# ctest's dashboard_chromium: installs playwright-core from the lock file into
# the build tree (npm ci), starts the fixture server with a token, and drives
# the dashboard in Debian's headless Chromium (dashboard.test.js). Screenshots
# land in WORK_DIR/screenshots. Any missing piece is a failure, never a skip.
#
#   run_dashboard_test.sh FIXTURE_BINARY WORK_DIR
set -euo pipefail
fixture=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
chromium=${BACKFLOW_CHROMIUM:-/usr/bin/chromium}

command -v node >/dev/null || { echo "FAIL: node is not installed (scripts/setup.sh)"; exit 1; }
command -v npm >/dev/null || { echo "FAIL: npm is not installed (scripts/setup.sh)"; exit 1; }
[[ -x $chromium ]] || { echo "FAIL: $chromium is missing (scripts/setup.sh installs chromium)"; exit 1; }

mkdir -p "$work"
# npm ci only when the lock file changed since the last install.
if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" || [[ ! -d $work/node_modules/playwright-core ]]; then
  cp "$here/package.json" "$here/package-lock.json" "$work/"
  if ! (cd "$work" && npm ci --no-audit --no-fund --loglevel=error); then
    rm -f "$work/package-lock.json"
    echo "FAIL: npm ci could not install playwright-core"
    exit 1
  fi
fi

state=$(mktemp -d "$work/state.XXXXXX")
log="$work/fixture.log"
token="dash-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
"$fixture" --state "$state/state" --describe "$state/describe.json" --token "$token" >"$log" 2>&1 &
fixture_pid=$!
cleanup() {
  kill "$fixture_pid" 2>/dev/null || true
  wait "$fixture_pid" 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  grep -q '^READY ' "$log" && break
  kill -0 "$fixture_pid" 2>/dev/null || { echo "FAIL: the fixture server exited:"; cat "$log"; exit 1; }
  sleep 0.1
done
grep -q '^READY ' "$log" || { echo "FAIL: the fixture server did not start:"; cat "$log"; exit 1; }

mkdir -p "$work/screenshots"
NODE_PATH="$work/node_modules" node "$here/dashboard.test.js" \
  --describe "$state/describe.json" --token "$token" --chromium "$chromium" \
  --screenshots "$work/screenshots" --profile-root "$work"
