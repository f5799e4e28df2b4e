#!/usr/bin/env bash
# Installs the contract tests' request validator (Stoplight Prism, from
# package-lock.json) into tests/contract/node_modules, unless the installed
# tree already matches the lock file. Called by ctest's `contract_deps`
# fixture before the [contract] tests; safe to run by hand.
set -euo pipefail
cd "$(dirname "$0")"

installed_lock=node_modules/.package-lock.json
if [[ -x node_modules/.bin/prism && -f "$installed_lock" && ! package-lock.json -nt "$installed_lock" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "contract tests: npm is missing (scripts/setup.sh installs nodejs and npm)" >&2
  exit 1
fi
npm ci --no-audit --no-fund
