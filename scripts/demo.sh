#!/usr/bin/env bash
# `make demo`: schema, sample ingest (TWAP statuses, then node fills) and the API, on the database
# of DATABASE_URL or, when it is unset, on a private PostgreSQL cluster under .data/ that stops
# with the demo (Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build/release}
hltwap="$build_dir/hltwap"

private_dir=
api_pid=
stop() {
  trap - INT TERM EXIT
  if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then
    kill -TERM "$api_pid" 2>/dev/null || true
    wait "$api_pid" 2>/dev/null || true
  fi
  if [ -n "$private_dir" ]; then
    echo "demo: stopping the private PostgreSQL in $private_dir"
    scripts/postgres.sh stop "$private_dir"
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

if [ -z "${DATABASE_URL:-}" ] && ! grep -qs '^DATABASE_URL=' .env; then
  private_dir=.data/postgres
  echo "demo: DATABASE_URL is not set; starting a private PostgreSQL in $private_dir"
  server_url=$(scripts/postgres.sh start "$private_dir")
  psql -q -X "$server_url" -tc "SELECT 1 FROM pg_database WHERE datname = 'hyperliquid'" | grep -q 1 \
    || psql -q -X "$server_url" -c 'CREATE DATABASE hyperliquid' >/dev/null
  export DATABASE_URL="${server_url%/postgres}/hyperliquid"
fi

export API_HOST="${API_HOST:-127.0.0.1}"
export API_PORT="${API_PORT:-8000}"
base="http://$API_HOST:$API_PORT"

"$hltwap" db init
"$hltwap" etl --local-file tests/data/sample_twap.parquet
"$hltwap" etl --dataset fills --local-file tests/data/sample_fills.parquet

"$hltwap" api &
api_pid=$!
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
  kill -0 "$api_pid" 2>/dev/null || { echo "demo: the API did not start" >&2; exit 1; }
  sleep 0.2
done

cat <<MSG

demo: the explorer: $base/?wallet=0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4&start=2025-11-01&end=2025-11-04

demo: the API is serving the sample data at $base  (Ctrl-C stops it)

  curl -s '$base/healthz'
  curl -s '$base/api/v1/twaps?wallet=0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4&start=2025-11-01T00:00:00Z&end=2025-11-04T00:00:00Z'
  curl -s '$base/api/v1/twaps?wallet=0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4&start=2025-11-01&end=2025-11-04&latest_per_twap=false&asset=BTC'
  curl -s '$base/api/v1/twaps/568722'
  curl -s '$base/api/v1/twaps/568722/fills'
  curl -s '$base/api/v1/wallets/0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4/summary?start=2025-11-01&end=2025-11-04'
  curl -s '$base/api/v1/coverage'
  curl -s '$base/api/v1/export?wallet=0x1f9840a85d5af5bf1d1762f925bdaddc4201f984&start=2025-11-01&end=2025-11-04&format=awaken'
  curl -OJ '$base/api/v1/export?wallet=0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4&start=2025-11-01&end=2025-11-04&format=koinly'
  open $base/docs for the interactive documentation

MSG
wait "$api_pid"
