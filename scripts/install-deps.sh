#!/usr/bin/env bash
# Installs everything tarn needs to build and test, on Debian 12, idempotently and quietly:
# Debian packages (as root, or through sudo) and the npm test tools pinned in package-lock.json.
# Usage: scripts/install-deps.sh [--build-only]
set -euo pipefail
cd "$(dirname "$0")/.."

build_packages=(
  build-essential cmake ninja-build pkg-config git
  libssl-dev libcurl4-openssl-dev libsqlite3-dev libpq-dev
  libspdlog-dev libfmt-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libpugixml-dev
  libzstd-dev libsnappy-dev zlib1g-dev liblz4-dev libbrotli-dev sqlite3
)
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql nodejs python3-avro
  clang libclang-rt-14-dev clang-format clang-tidy
)
packages=("${build_packages[@]}")
[ "${1:-}" = "--build-only" ] || packages+=("${test_packages[@]}")

fail() { echo "install-deps: $*" >&2; exit 1; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Debian ships npm separately; a nodesource nodejs already contains it.
if [ "${1:-}" != "--build-only" ] && ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "run as root or install: ${missing[*]}"
    sudo="sudo"
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "apt-get could not install: ${missing[*]} (full log: $log)"
  fi
  rm -f "$log"
fi

if [ "${1:-}" != "--build-only" ]; then
  # Install only when the lock file changed since the last install. `npm install` follows the
  # lock; `npm ci` would refuse it, because the lock can only list the DuckDB bindings of the
  # platforms the registry here serves (linux-x64), not the optional ones of other platforms.
  stamp=node_modules/.tarn-lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "install-deps: installing npm test tools from package-lock.json"
    npm install --no-audit --no-fund --loglevel=error >/dev/null || fail "npm install failed"
    cp package-lock.json "$stamp"
  fi
fi
