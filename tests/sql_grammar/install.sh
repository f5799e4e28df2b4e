#!/usr/bin/env bash
# Installs the golden SQL grammar check's parser (node-sql-parser, from
# package-lock.json) into tests/sql_grammar/node_modules, unless the installed
# tree already matches the lock file. Called by ctest's `sql_grammar_deps`
# fixture before `golden_sql_grammar`; safe to run by hand.
set -euo pipefail
cd "$(dirname "$0")"

installed_lock=node_modules/.package-lock.json
if [[ -f node_modules/node-sql-parser/package.json && -f "$installed_lock" && ! package-lock.json -nt "$installed_lock" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "golden SQL grammar check: npm is missing (scripts/setup.sh installs nodejs and npm)" >&2
  exit 1
fi
npm ci --no-audit --no-fund
