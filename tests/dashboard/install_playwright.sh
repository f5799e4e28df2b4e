# Sourced by the dashboard test scripts: `install_playwright HERE WORK` puts
# playwright-core from HERE's lock file into WORK/node_modules (npm ci, only
# when the lock file changed since the last install). Returns 1 on failure.
install_playwright() {
  local here=$1 work=$2
  command -v node >/dev/null || { echo "FAIL: node is not installed (scripts/setup.sh)"; return 1; }
  command -v npm >/dev/null || { echo "FAIL: npm is not installed (scripts/setup.sh)"; return 1; }
  mkdir -p "$work"
  if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" || [[ ! -d $work/node_modules/playwright-core ]]; then
    cp "$here/package.json" "$here/package-lock.json" "$work/"
    if ! (cd "$work" && npm ci --no-audit --no-fund --loglevel=error); then
      rm -f "$work/package-lock.json"
      echo "FAIL: npm ci could not install playwright-core"
      return 1
    fi
  fi
}
