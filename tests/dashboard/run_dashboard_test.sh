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

[[ -x $chromium ]] || { echo "FAIL: $chromium is missing (scripts/setup.sh installs chromium)"; exit 1; }
source "$here/install_playwright.sh"
install_playwright "$here" "$work"

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
