#!/usr/bin/env bash
# Installs whatever backflow needs to build, run and test that is not there yet.
# Idempotent: packages already installed are skipped, `apt-get update` runs at
# most once per invocation and only when something is missing.
set -euo pipefail

PACKAGES=(
  # build
  g++ cmake make pkg-config git
  # libraries (design §7)
  unixodbc unixodbc-dev odbc-postgresql libsqliteodbc
  libcurl4-openssl-dev nlohmann-json3-dev librocksdb-dev libboost-dev
  libspdlog-dev catch2 libyaml-cpp-dev libxxhash-dev libssl-dev
  libhowardhinnant-date-dev
  # embedded sample warehouse, test and benchmark servers
  sqlite3 postgresql-15 postgresql-client-15 procps
  # MariaDB as a warehouse and a `sql` destination (a throwaway server per test run)
  mariadb-server mariadb-client odbc-mariadb
  # time zones for cron schedules (/usr/share/zoneinfo, read through libdate-tz)
  tzdata
  # benchmarks (bench/run_odbc_read.sh times readers with /usr/bin/time)
  time
  # browser and contract tests: Debian's Chromium driven by Playwright, and the
  # Prism request validator (both npm packages, installed by the tests)
  chromium nodejs
  # the serve test: a real Prometheus server scrapes /metrics
  prometheus
  # the HTTPS test makes its own self-signed certificate
  openssl
  # scripts/sanitize.sh: the unit suite under ASan + UBSan and the libFuzzer targets
  clang libclang-rt-dev
)
# Debian's npm package only when there is no npm command: NodeSource's nodejs
# ships npm itself and conflicts with that package.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(npm); fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
  echo "backflow setup: installing ${missing[*]}"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian driver packages register themselves with unixODBC; make sure the
# names the example configs use exist even where that step was skipped.
register_driver() {
  local name=$1 lib=$2
  if ! odbcinst -q -d -n "$name" >/dev/null 2>&1; then
    local tmp
    tmp=$(mktemp)
    printf '[%s]\nDescription=%s\nDriver=%s\n' "$name" "$name" "$lib" >"$tmp"
    if [[ $(id -u) -ne 0 ]]; then sudo odbcinst -i -d -f "$tmp"; else odbcinst -i -d -f "$tmp"; fi
    rm -f "$tmp"
  fi
}
register_driver "SQLite3" "libsqlite3odbc.so"
register_driver "PostgreSQL Unicode" "psqlodbcw.so"
echo "backflow setup: all dependencies present"
