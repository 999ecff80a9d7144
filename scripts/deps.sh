#!/usr/bin/env bash
# Installs everything the build, the tests, the packaging check and the demo need, and nothing
# twice: Debian packages, a project-local Python virtual environment (.venv) and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git curl
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpq-dev postgresql postgresql-client
  libcurl4-openssl-dev libssl-dev libpugixml-dev libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev
  clang-format clang-tidy shellcheck systemd
  python3 python3-venv nodejs npm
  chromium chromium-driver
  wrk
)

log() { printf 'deps: %s\n' "$*"; }

install_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # Node and npm may come from outside Debian (nvm, NodeSource): a working command is enough.
  local filtered=()
  for p in "${missing[@]}"; do
    case "$p" in
      nodejs) command -v node >/dev/null || filtered+=("$p") ;;
      npm) command -v npm >/dev/null || filtered+=("$p") ;;
      python3|python3-venv) python3 -c 'import venv, ensurepip' 2>/dev/null || filtered+=("$p") ;;
      # Only systemd-analyze is used (make check-packaging); systemd need not be running.
      systemd) command -v systemd-analyze >/dev/null || filtered+=("$p") ;;
      *) filtered+=("$p") ;;
    esac
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

system_arrow() {
  # A system Arrow C++ (Apache's APT repository, conda, Homebrew) makes pyarrow unnecessary.
  pkg-config --exists arrow parquet 2>/dev/null
}

install_venv() {
  local stamp=.venv/.requirements.sha256
  local want
  want=$(sha256sum requirements.txt | cut -d' ' -f1)
  if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log "creating the Python virtual environment in .venv"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  local reqs=requirements.txt
  if system_arrow; then
    reqs=$(mktemp)
    grep -v '^pyarrow' requirements.txt >"$reqs"
  fi
  .venv/bin/pip install -q --disable-pip-version-check -r "$reqs"
  if ! system_arrow; then
    # The wheel ships versioned sonames only; the linker wants libarrow.so and libparquet.so.
    .venv/bin/python -c 'import pyarrow; pyarrow.create_library_symlinks()'
  fi
  echo "$want" >"$stamp"
}

install_npm() {
  if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    return 0
  fi
  log "installing npm packages"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
}

install_apt
install_venv
install_npm
