#!/usr/bin/env bash
# Runs every test of a build against a real PostgreSQL: the server on 127.0.0.1:5432 when one
# answers (started first if it is an installed but stopped Debian cluster), otherwise a private
# cluster in a temporary directory. Tests create and drop their own databases.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:?build directory}

private_dir=
cleanup() {
  [ -n "$private_dir" ] && scripts/postgres.sh stop "$private_dir" && rm -rf "$private_dir"
  return 0
}
trap cleanup EXIT

server_up() { pg_isready -q -h 127.0.0.1 -p 5432 -t 3; }

if [ -z "${HLTWAP_TEST_ADMIN_URL:-}" ]; then
  if ! server_up && [ "$(id -u)" -eq 0 ] && command -v pg_ctlcluster >/dev/null; then
    for cluster in /etc/postgresql/*/main; do
      [ -d "$cluster" ] || continue
      version=$(basename "$(dirname "$cluster")")
      pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
    for _ in $(seq 1 30); do server_up && break; sleep 1; done
  fi
  if server_up && psql -q -X -h 127.0.0.1 -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
    export HLTWAP_TEST_ADMIN_URL="postgresql://postgres@127.0.0.1:5432/postgres"
  else
    private_dir=$(mktemp -d /tmp/hltwap-test-pg.XXXXXX)
    echo "run_tests: no PostgreSQL on 127.0.0.1:5432; starting a private cluster in $private_dir"
    HLTWAP_TEST_ADMIN_URL=$(scripts/postgres.sh start "$private_dir")
    export HLTWAP_TEST_ADMIN_URL
  fi
fi
export HLTWAP_VENV="$PWD/.venv"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}"

ctest --test-dir "$build_dir" --output-on-failure -j "${TEST_JOBS:-2}" --timeout 600
