#!/usr/bin/env bash
# Over 400 lines: one script runs every phase of `make bench` in order, so that all figures come
# from one run on the same data.
# `make bench`: measures hltwap against PostgreSQL's own limits on this machine, in one run, and
# prints one table (also written to bench/results/latest.md, raw figures to latest.json).
#
#   bench/run.sh BUILD_DIR            (BUILD_DIR holds hltwap and bench/make_bench_data)
#
# Figures (each hltwap figure next to its baseline, measured in the same run):
#   - ETL `hltwap etl --local-file DIR` into an empty table and into one already holding the rows,
#     against `psql \copy` of the same rows (CSV) into an identical table;
#   - the same ETL from S3 (moto_server on loopback) against the local run;
#   - ETL peak RSS for one file and for a file 10x larger with the same row groups;
#   - fills ETL (`hltwap etl --dataset fills`) on hourly node fills files of about 25 MB: rows
#     scanned and TWAP slice rows stored per second, peak RSS for one hour's file and a file 10x
#     larger with the same row groups;
#   - the API under wrk at several concurrencies against pgbench running the API's own SQL and
#     pgbench running the reference SQL (tests/sql/twaps_latest_reference.sql), for
#     GET /api/v1/twaps; GET /api/v1/twaps/{id}/fills against its SQL; /healthz as the floor;
#     a light request's latency alone and beside heavy ones; the heaviest wallet's year paged
#     through with each SQL (bench/page_walk, libpq) and through the API; the API's peak RSS
#     under load and for one page of kMaxLimit TWAPs with rows. All of it again on a smaller
#     data set (BENCH_MIX_ROWS) in its own database;
#   - exports of one wallet's year of fills (BENCH_EXPORT_FILLS, made in SQL): `hltwap export`
#     and GET /api/v1/export in each format (rows/s) against psql \copy of the same rows as CSV,
#     and the API's peak RSS before and after.
#
# Scale and durations (environment):
#   BENCH_ROWS=10000000        rows of hourly files (about 6,000 rows a day)
#   BENCH_S3_ROWS=2000000      rows served through moto (a prefix of the hourly files; at most
#                              BENCH_ROWS), compared with a local run of the same files
#   BENCH_MEM_ROWS=100000      rows of the small single file; the large one has 10x
#   BENCH_MEM_ROW_GROUP=20000  rows per row group of both
#   BENCH_FILLS_HOURS=4        hourly fills files (about 25 MB, 210,000 rows each) whose TWAP
#                              slices belong to the status data's TWAPs
#   BENCH_FILLS_MEM_HOURS=1    hours in the small single fills file; the large one has 10x
#   BENCH_FILLS_ROW_GROUP=65536  rows per row group of the fills files
#   BENCH_API_SECONDS=20       each wrk and pgbench run
#   BENCH_HEALTHZ_SECONDS=10   each /healthz run
#   BENCH_EXPORT_FILLS=1000000 fills of the exported wallet's year
#   BENCH_WARMUP_SECONDS=3     wrk warm-up before the API runs
#   BENCH_MIX_ROWS=500000      rows of the smaller scale the API figures are repeated on (0: none)
#   BENCH_HEAVY_CONNECTIONS=16 wrk connections of heavy requests beside the light one
#   BENCH_SKIP=                phases left out, any of: s3 etl-memory fills exports mix
#                              (BENCH_HEALTHZ_SECONDS=0 leaves out /healthz)
#   BENCH_CONCURRENCY="1 16 64"
#   BENCH_SEED=42
#   BENCH_ETL_JOBS=            --jobs for hltwap etl (empty: its default, one per core)
#   BENCH_ADMIN_URL=postgresql://postgres@127.0.0.1:5432/postgres   (a private cluster via
#                              scripts/postgres.sh when nothing answers there)
#   BENCH_RESULTS_DIR=bench/results   where latest.md and latest.json go
#   BENCH_WORK_DIR=            data and logs (default: a temporary directory, removed at the end;
#                              a given directory is kept and its data reused for the same scale)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$(cd "${1:?usage: bench/run.sh BUILD_DIR}" && pwd)
hltwap=$build_dir/hltwap
gen=$build_dir/bench/make_bench_data
bench_py=(python3 "$root/bench/bench.py")

rows=${BENCH_ROWS:-10000000}
s3_rows=${BENCH_S3_ROWS:-$((rows < 2000000 ? rows : 2000000))}
mem_rows=${BENCH_MEM_ROWS:-100000}
mem_row_group=${BENCH_MEM_ROW_GROUP:-20000}
fills_hours=${BENCH_FILLS_HOURS:-4}
fills_mem_hours=${BENCH_FILLS_MEM_HOURS:-1}
fills_row_group=${BENCH_FILLS_ROW_GROUP:-65536}
api_seconds=${BENCH_API_SECONDS:-20}
healthz_seconds=${BENCH_HEALTHZ_SECONDS:-10}
export_fills=${BENCH_EXPORT_FILLS:-1000000}
warmup_seconds=${BENCH_WARMUP_SECONDS:-3}
concurrency=${BENCH_CONCURRENCY:-1 16 64}
target_concurrency=64
mix_rows=${BENCH_MIX_ROWS:-500000}
heavy_connections=${BENCH_HEAVY_CONNECTIONS:-16}
skip=" ${BENCH_SKIP:-} "
skipped() { [[ "$skip" == *" $1 "* ]]; }
# The largest page the list endpoint serves.
max_limit=$(sed -n 's/.*kMaxLimit = \([0-9]*\);.*/\1/p' "$root/src/api/query_params.h")
seed=${BENCH_SEED:-42}
etl_jobs=()
[ -n "${BENCH_ETL_JOBS:-}" ] && etl_jobs=(--jobs "$BENCH_ETL_JOBS")
admin_url=${BENCH_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
venv=${HLTWAP_VENV:-$root/.venv}

if [ -n "${BENCH_WORK_DIR:-}" ]; then
  work=$BENCH_WORK_DIR
  keep_work=1
else
  work=$(mktemp -d /tmp/hltwap-bench.XXXXXX)
  keep_work=0
fi
results_dir=${BENCH_RESULTS_DIR:-$root/bench/results}
mkdir -p "$work" "$results_dir"
results=$work/results.json
rm -f "$results"
started_at=$(date +%s)

log() { printf 'bench: %s\n' "$*" >&2; }
put() { "${bench_py[@]}" put "$results" "$1" "$2"; }
note() {
  log "note: $*"
  notes+=("$*")
}
notes=()
failed=0

# --- cleanup ------------------------------------------------------------------------------------
databases=()
api_pid=
moto_pid=
private_dir=
reported=0
cleanup() {
  local rc=$?
  set +e
  if [ "$reported" = 0 ] && [ -f "$results" ]; then
    put aborted "exit status $rc"
    "${bench_py[@]}" report "$results" "$results_dir/latest.md" "$results_dir/latest.json"
    log "stopped early (exit status $rc): the table above has what was measured"
  fi
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null
  for db in "${databases[@]+"${databases[@]}"}"; do
    psql -X -q "$admin_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
  done
  if [ -n "$private_dir" ]; then
    "$root/scripts/postgres.sh" stop "$private_dir"
    rm -rf "$private_dir"
  fi
  if [ "$keep_work" = 0 ]; then
    rm -rf "$work"
  else
    rm -f "$work"/data/rows.csv
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools --------------------------------------------------------------------------------------
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v pgbench >/dev/null || need_apt+=(postgresql-contrib)
command -v psql >/dev/null || need_apt+=(postgresql-client)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${need_apt[@]}" >/dev/null
fi
[ -x /usr/bin/time ] || { log "/usr/bin/time is missing (Debian package 'time')"; exit 1; }
if [ ! -x "$gen" ] || [ ! -x "$build_dir/bench/page_walk" ]; then
  cmake --build "$build_dir" --target make_bench_data page_walk >/dev/null
fi

# --- PostgreSQL ---------------------------------------------------------------------------------
postgres_where="local server"
if ! psql -X -q "$admin_url" -c 'SELECT 1' >/dev/null 2>&1; then
  if [ -n "${BENCH_ADMIN_URL:-}" ]; then
    log "cannot connect to BENCH_ADMIN_URL"
    exit 1
  fi
  private_dir=$(mktemp -d /tmp/hltwap-bench-pg.XXXXXX)
  log "no PostgreSQL on 127.0.0.1:5432: starting a private cluster in $private_dir"
  admin_url=$("$root/scripts/postgres.sh" start "$private_dir")
  postgres_where="private cluster (fsync off)"
fi
db_prefix=hltwap_bench_$$
db_url() { echo "${admin_url%/*}/$1"; }
admin_sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -At "$admin_url" -c "$1"; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -At "$(db_url "$1")" -c "$2"; }
create_db() {
  admin_sql "DROP DATABASE IF EXISTS $1 WITH (FORCE)"
  admin_sql "CREATE DATABASE $1"
  databases+=("$1")
  (cd "$work" && DATABASE_URL=$(db_url "$1") "$hltwap" db init) >"$work/logs/dbinit_$1.log" 2>&1
}
drop_db() { admin_sql "DROP DATABASE IF EXISTS $1 WITH (FORCE)"; }

# Runs a command under /usr/bin/time; sets $elapsed (s) and $rss_kb. Output goes to logs/NAME.log.
timed() {
  local name=$1
  shift
  admin_sql "CHECKPOINT" >/dev/null
  local rc=0
  /usr/bin/time -f '%e %M' -o "$work/logs/$name.time" "$@" >"$work/logs/$name.log" 2>&1 || rc=$?
  read -r elapsed rss_kb < <(tail -n 1 "$work/logs/$name.time")
  return $rc
}

etl() {  # etl NAME DB ARGS... (run in the work directory, so no stray .env is read)
  local name=$1 db=$2
  shift 2
  timed "$name" env -C "$work" DATABASE_URL="$(db_url "$db")" "$hltwap" etl "$@" \
    "${etl_jobs[@]+"${etl_jobs[@]}"}"
}

per_second() { python3 -c "import sys; print(round(int(sys.argv[1]) / float(sys.argv[2]), 1))" "$@"; }

mkdir -p "$work/logs"
memory_gib=$(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
pg_version=$(admin_sql "SELECT 'PostgreSQL ' || current_setting('server_version')")
pg_fsync=$(admin_sql "SELECT current_setting('fsync')")
put machine "$(python3 -c 'import json,sys; print(json.dumps(dict(zip(
  ["cores","memory_gib","cpu","postgres","postgres_where"], sys.argv[1:]))))' \
  "$(nproc)" "$memory_gib" "$cpu" "$pg_version, fsync $pg_fsync" "$postgres_where")"
put load_average_at_start "$(cut -d' ' -f1-3 /proc/loadavg)"
put rows "$rows"
put concurrency_levels "[${concurrency// /, }]"
put target_concurrency "$target_concurrency"
put heavy_connections "$heavy_connections"

# --- data ---------------------------------------------------------------------------------------
data=$work/data
files=$data/files
stamp="rows=$rows seed=$seed"
if [ ! -f "$data/stamp" ] || [ "$(cat "$data/stamp")" != "$stamp" ] || [ ! -f "$data/rows.csv" ]; then
  rm -rf "$data"
  mkdir -p "$files"
  log "generating $rows rows of hourly parquet files and their CSV twin"
  t0=$(date +%s.%N)
  "$gen" --rows "$rows" --seed "$seed" --out "$files" --csv "$data/rows.csv" \
    --csv-key-prefix "file://$files/" --manifest "$data/manifest.json" --quiet
  put generate_seconds "$(python3 -c "import time,sys; print(round(time.time()-float(sys.argv[1]),1))" "$t0")"
  echo "$stamp" >"$data/stamp"
fi
file_count=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"])' "$data/manifest.json")
put files "$file_count"
put manifest "$(cat "$data/manifest.json")"

# --- ETL vs psql \copy --------------------------------------------------------------------------
log "baseline: psql \\copy of $rows rows into an empty twap_status"
create_db "${db_prefix}_copy"
# The CSV holds twap_status's columns in table order, all but those filled by a default
# (inserted_at): the list comes from the table that `hltwap db init` made.
copy_columns=$(sql "${db_prefix}_copy" "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum)
  FROM pg_attribute WHERE attrelid = 'twap_status'::regclass AND attnum > 0 AND NOT attisdropped
  AND NOT atthasdef")
timed copy psql -X -q -v ON_ERROR_STOP=1 "$(db_url "${db_prefix}_copy")" \
  -c "\\copy twap_status ($copy_columns) FROM '$data/rows.csv' WITH (FORMAT csv)"
put copy_seconds "$elapsed"
put copy_rows_per_s "$(per_second "$rows" "$elapsed")"
drop_db "${db_prefix}_copy"
rm -f "$data/rows.csv"

main_db=${db_prefix}_main
create_db "$main_db"
etl_ok=1
log "ETL: $file_count local files into an empty table"
if etl etl_local_empty "$main_db" --local-file "$files"; then
  local_empty_seconds=$elapsed
  put etl_local_empty_seconds "$elapsed"
  put etl_local_empty_rows_per_s "$(per_second "$rows" "$elapsed")"
  put etl_local_empty_rss_kb "$rss_kb"
  loaded=$(sql "$main_db" "SELECT count(*) FROM twap_status")
  [ "$loaded" = "$rows" ] || note "ETL local run stored $loaded rows of $rows"
  log "ETL: the same files again, into the table that holds them"
  if etl etl_local_full "$main_db" --local-file "$files"; then
    put etl_local_full_seconds "$elapsed"
    put etl_local_full_rows_per_s "$(per_second "$rows" "$elapsed")"
    put etl_local_full_rss_kb "$rss_kb"
  else
    note "ETL into the full table failed: $(tail -n 3 "$work/logs/etl_local_full.log" | tr '\n' ' ')"
    failed=1
  fi
else
  etl_ok=0
  failed=1
  note "ETL local run failed: $(tail -n 3 "$work/logs/etl_local_empty.log" | tr '\n' ' ')"
fi

# --- ETL from S3 (moto) -------------------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_http() {  # wait_http URL PID
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
if [ "$etl_ok" = 1 ] && ! skipped s3; then
  s3_files=$(python3 -c 'import math,sys; r,s,f=map(int,sys.argv[1:]); print(min(f, math.ceil(s*f/r)))' \
    "$rows" "$s3_rows" "$file_count")
  s3_dir=$files
  s3_ref_db=
  if [ "$s3_files" -lt "$file_count" ]; then
    # A prefix of the files; the local reference is then a local run of the same files.
    s3_dir=$data/s3_subset
    rm -rf "$s3_dir"
    mkdir -p "$s3_dir"
    python3 -c 'import os, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for name in sorted(f for f in os.listdir(src) if f.endswith(".parquet"))[:n]:
    os.link(os.path.join(src, name), os.path.join(dst, name))' "$files" "$s3_dir" "$s3_files"
    s3_ref_db=${db_prefix}_s3ref
    create_db "$s3_ref_db"
    log "ETL: reference local run of the $s3_files files served through S3"
    etl etl_s3_local_ref "$s3_ref_db" --local-file "$s3_dir"
    put etl_s3_local_ref_rows_per_s "$(per_second "$(sql "$s3_ref_db" "SELECT count(*) FROM twap_status")" "$elapsed")"
    drop_db "$s3_ref_db"
    note "S3 figures use the first $s3_files of $file_count files (BENCH_S3_ROWS=$s3_rows)"
  fi
  moto_port=$(free_port)
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$work/logs/moto.log" 2>&1 &
  moto_pid=$!
  if wait_http "http://127.0.0.1:$moto_port/moto-api/" "$moto_pid"; then
    log "S3: uploading $s3_files files to moto"
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=
    export AWS_REGION=us-east-1 AWS_S3_BUCKET=hltwap-bench AWS_S3_PREFIX=raw/twap_statuses/
    export AWS_REQUEST_PAYER=requester AWS_ENDPOINT_URL_S3=http://127.0.0.1:$moto_port
    "$venv/bin/python" - "$s3_dir" <<'PY'
import concurrent.futures, os, sys
import boto3
d = sys.argv[1]
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL_S3"], region_name="us-east-1")
bucket, prefix = os.environ["AWS_S3_BUCKET"], os.environ["AWS_S3_PREFIX"]
s3.create_bucket(Bucket=bucket)
def put(name):
    with open(os.path.join(d, name), "rb") as f:
        s3.put_object(Bucket=bucket, Key=prefix + name, Body=f.read())
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    list(pool.map(put, sorted(n for n in os.listdir(d) if n.endswith(".parquet"))))
PY
    s3_db=${db_prefix}_s3
    create_db "$s3_db"
    log "ETL: $s3_files objects from S3 into an empty table"
    if etl etl_s3 "$s3_db" --incremental; then
      loaded=$(sql "$s3_db" "SELECT count(*) FROM twap_status")
      put s3_rows "$loaded"
      put etl_s3_seconds "$elapsed"
      put etl_s3_rows_per_s "$(per_second "$loaded" "$elapsed")"
      put etl_s3_rss_kb "$rss_kb"
      [ -n "$s3_ref_db" ] ||
        put etl_s3_local_ref_rows_per_s "$(per_second "$rows" "$local_empty_seconds")"
    else
      failed=1
      note "ETL from S3 failed: $(tail -n 3 "$work/logs/etl_s3.log" | tr '\n' ' ')"
    fi
    drop_db "$s3_db"
    unset AWS_ENDPOINT_URL_S3
  else
    failed=1
    note "moto_server did not start (see its log)"
  fi
  kill "$moto_pid" 2>/dev/null || true
  wait "$moto_pid" 2>/dev/null || true
  moto_pid=
fi

# --- ETL memory: one file and a file 10x larger, same row groups ---------------------------------
if [ "$etl_ok" = 1 ] && ! skipped etl-memory; then
  # The ETL reads 65,536 rows at a time: a smaller file holds less than one batch in memory.
  [ "$mem_rows" -ge 65536 ] ||
    note "BENCH_MEM_ROWS=$mem_rows is below the ETL's batch of 65,536 rows: the small file's RSS is not the plateau"
  mem_db=${db_prefix}_mem
  create_db "$mem_db"
  for size in small big; do
    n=$mem_rows
    [ "$size" = big ] && n=$((mem_rows * 10))
    "$gen" --rows "$n" --seed "$seed" --single-file "$data/mem_$size.parquet" \
      --row-group-rows "$mem_row_group" --quiet
    sql "$mem_db" "TRUNCATE twap_status, etl_s3_ingest_log"
    log "ETL memory: one file of $n rows"
    if etl "etl_mem_$size" "$mem_db" --local-file "$data/mem_$size.parquet"; then
      put "mem_${size}_rows" "$n"
      put "etl_mem_${size}_rss_kb" "$rss_kb"
      put "etl_mem_${size}_rows_per_s" "$(per_second "$n" "$elapsed")"
    else
      failed=1
      note "ETL of the $size single file failed"
    fi
    rm -f "$data/mem_$size.parquet"
  done
  drop_db "$mem_db"
fi

# --- fills ETL: hourly node fills files, then one file and a file 10x larger ----------------------
fills_ok=0
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
if [ "$etl_ok" = 1 ] && ! skipped fills; then
  fills_dir=$data/fills
  fills_stamp="rows=$rows seed=$seed hours=$fills_hours row_group=$fills_row_group"
  if [ ! -f "$fills_dir/stamp" ] || [ "$(cat "$fills_dir/stamp")" != "$fills_stamp" ]; then
    rm -rf "$fills_dir"
    log "generating $fills_hours hourly fills files"
    "$gen" --rows "$rows" --seed "$seed" --fills --hours "$fills_hours" --out "$fills_dir/files" \
      --row-group-rows "$fills_row_group" --manifest "$fills_dir/manifest.json" --quiet
    echo "$fills_stamp" >"$fills_dir/stamp"
  fi
  fills_rows=$(json_field "$fills_dir/manifest.json" rows)
  fills_slices=$(json_field "$fills_dir/manifest.json" slice_rows)
  put fills_files "$(json_field "$fills_dir/manifest.json" files)"
  put fills_rows "$fills_rows"
  put fills_slice_rows "$fills_slices"
  put fills_manifest "$(cat "$fills_dir/manifest.json")"
  log "fills ETL: $fills_hours files ($fills_rows rows, $fills_slices TWAP slices) into twap_fill"
  if etl etl_fills "$main_db" --dataset fills --local-file "$fills_dir/files"; then
    fills_ok=1
    stored=$(sql "$main_db" "SELECT count(*) FROM twap_fill")
    [ "$stored" = "$fills_slices" ] || note "fills ETL stored $stored slice rows of $fills_slices"
    put etl_fills_seconds "$elapsed"
    put etl_fills_rows_per_s "$(per_second "$fills_rows" "$elapsed")"
    put etl_fills_slices_per_s "$(per_second "$stored" "$elapsed")"
    put etl_fills_rss_kb "$rss_kb"
    mem_db=${db_prefix}_fills_mem
    create_db "$mem_db"
    for size in small big; do
      hours=$fills_mem_hours
      [ "$size" = big ] && hours=$((fills_mem_hours * 10))
      "$gen" --rows "$rows" --seed "$seed" --fills --hours "$hours" \
        --single-file "$data/fills_mem_$size.parquet" --row-group-rows "$fills_row_group" \
        --manifest "$data/fills_mem_$size.json" --quiet
      n=$(json_field "$data/fills_mem_$size.json" rows)
      sql "$mem_db" "TRUNCATE twap_fill, etl_s3_ingest_log"
      log "fills ETL memory: one file of $n rows"
      if etl "etl_fills_mem_$size" "$mem_db" --dataset fills --local-file "$data/fills_mem_$size.parquet"; then
        put "fills_mem_${size}_rows" "$n"
        put "etl_fills_mem_${size}_rss_kb" "$rss_kb"
        put "etl_fills_mem_${size}_rows_per_s" "$(per_second "$n" "$elapsed")"
      else
        failed=1
        note "fills ETL of the $size single file failed"
      fi
      rm -f "$data/fills_mem_$size.parquet"
    done
    drop_db "$mem_db"
  else
    failed=1
    note "fills ETL failed: $(tail -n 3 "$work/logs/etl_fills.log" | tr '\n' ' ')"
  fi
fi

# --- API vs pgbench -----------------------------------------------------------------------------
# pgbench with the scripts of DIR at concurrency C against database DB: key KEY (logs NAME_cC.*).
run_pgbench() {  # run_pgbench KEY NAME DIR C DB
  local key=$1 name=$2 scripts=$3 c=$4 db=$5
  local threads=$((c < 2 ? c : 2)) args=() f define tps
  for f in "$scripts"/*.sql; do args+=(-f "$f@1"); done
  while read -r define; do args+=(-D "$define"); done <"$scripts/defines.txt"
  log "API $name: pgbench, $c connections, ${api_seconds}s"
  rm -f "$work/logs/pgbench_${name}_c$c".*
  pgbench -n -M prepared -c "$c" -j "$threads" -T "$api_seconds" --log \
    --log-prefix="$work/logs/pgbench_${name}_c$c" "${args[@]}" "$(db_url "$db")" \
    >"$work/logs/pgbench_${name}_c$c.out" 2>&1
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/logs/pgbench_${name}_c$c.out" | tail -n 1)
  put "$key" "$("${bench_py[@]}" pglog "$work/logs/pgbench_${name}_c$c." |
    python3 -c 'import json,sys; d=json.load(sys.stdin); d["tps"]=float(sys.argv[1] or 0); print(json.dumps(d))' "$tps")"
}

# wrk with the paths of URLS at C connections for S seconds: key KEY (log NAME.log). Requests
# wrk gave up on may still be queued in the API afterwards: a /healthz answer (it queues for a
# database thread like them) says they are done, before the next figure.
run_wrk() {  # run_wrk KEY NAME URLS C S
  local threads=$(($4 < 2 ? $4 : 2))
  WRK_CONNECTIONS=$4 wrk -t "$threads" -c "$4" -d "$5s" --timeout 30s -s "$root/bench/wrk_urls.lua" \
    "$base" -- "$3" >"$work/logs/$2.log" 2>&1
  put "$1" "$(grep '^{' "$work/logs/$2.log")"
}

# wrk against the API, then pgbench running the API's SQL and, given REF_DIR, pgbench running the
# reference SQL, at concurrency C (keys api{SUFFIX}_cC, pgbench{SUFFIX}_cC, pgbenchref{SUFFIX}_cC).
api_vs_pgbench() {  # api_vs_pgbench SUFFIX NAME URLS PGBENCH_DIR C DB [REF_DIR]
  local suffix=$1 name=$2 urls=$3 scripts=$4 c=$5 db=$6 ref=${7:-}
  log "API $name: wrk, $c connections, ${api_seconds}s"
  run_wrk "api${suffix}_c$c" "wrk_${name}_c$c" "$urls" "$c" "$api_seconds"
  curl -s -o /dev/null --max-time 60 "$base/healthz" || true
  run_pgbench "pgbench${suffix}_c$c" "$name" "$scripts" "$c" "$db"
  [ -z "$ref" ] || run_pgbench "pgbenchref${suffix}_c$c" "${name}_ref" "$ref" "$c" "$db"
}

# Every URL of a request mix answers 200 before it is measured.
check_urls() {
  local path code
  while read -r path; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base$path")
    [ "$code" = 200 ] || note "GET $path answered $code"
  done <"$1"
}

start_api() {  # start_api DB LOG: sets api_pid and base; false when it does not answer
  api_port=$(free_port)
  (cd "$work" && DATABASE_URL=$(db_url "$1") API_HOST=127.0.0.1 API_PORT=$api_port \
    exec "$hltwap" api) >"$work/logs/$2.log" 2>&1 &
  api_pid=$!
  base=http://127.0.0.1:$api_port
  wait_http "$base/healthz" "$api_pid"
}
stop_api() {
  kill "$api_pid" 2>/dev/null || true
  wait "$api_pid" 2>/dev/null || true
  api_pid=
}
vmhwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$api_pid/status"; }

# The list endpoint on database DB (data described by MANIFEST), keys suffixed with TAG: the URL
# mix under wrk against pgbench running the API's SQL and the reference SQL; a light request
# alone and beside heavy ones; one wallet's year paged through; peak RSS under load and for the
# largest page with rows. With FILLS=1, the fills endpoint too.
api_phase() {  # api_phase TAG DB MANIFEST FILLS
  local tag=$1 db=$2 manifest=$3 with_fills=$4 dir=$work/api$1 c
  mkdir -p "$dir"
  if ! start_api "$db" "api$tag"; then
    failed=1
    note "the API did not answer /healthz: $(tail -n 3 "$work/logs/api$tag.log" | tr '\n' ' ')"
    stop_api
    return
  fi
  # Just loaded: vacuumed and analysed now, so that autovacuum does not start in the middle of a
  # figure, and the API's SQL and pgbench's read the same statistics and visibility map.
  sql "$db" "VACUUM ANALYZE"
  "${bench_py[@]}" urls "$manifest" "$dir/urls.txt" "$dir/params.json"
  "${bench_py[@]}" pgbench-scripts "$dir/params.json" "$api_sql_json" "$dir/pgbench"
  "${bench_py[@]}" pgbench-scripts "$dir/params.json" "$ref_sql_json" "$dir/pgbench_ref"
  check_urls "$dir/urls.txt"
  local fills_api=0
  if [ "$with_fills" = 1 ]; then
    if "${bench_py[@]}" api-sql fills "$root/src/api/sql" "$fills_sql_json" 2>"$work/logs/api_fills_sql.log"; then
      "${bench_py[@]}" fills-urls "$fills_dir/manifest.json" "$dir/fills_urls.txt" "$dir/fills_params.json"
      "${bench_py[@]}" pgbench-scripts "$dir/fills_params.json" "$fills_sql_json" "$dir/pgbench_fills"
      check_urls "$dir/fills_urls.txt"
      fills_api=1
    else
      failed=1
      note "fills API phase skipped: $(tail -n 1 "$work/logs/api_fills_sql.log")"
    fi
  fi
  echo /healthz >"$dir/healthz.txt"
  WRK_CONNECTIONS=16 wrk -t 2 -c 16 -d "${warmup_seconds}s" -s "$root/bench/wrk_urls.lua" "$base" -- "$dir/urls.txt" \
    >/dev/null
  for c in $concurrency; do
    api_vs_pgbench "$tag" "list$tag" "$dir/urls.txt" "$dir/pgbench" "$c" "$db" "$dir/pgbench_ref"
    [ "$fills_api" = 1 ] && api_vs_pgbench "_fills$tag" "fills$tag" "$dir/fills_urls.txt" "$dir/pgbench_fills" "$c" "$db"
    if [ "$healthz_seconds" -gt 0 ]; then
      log "API: /healthz, $c connections, ${healthz_seconds}s"
      run_wrk "healthz${tag}_c$c" "healthz${tag}_c$c" "$dir/healthz.txt" "$c" "$healthz_seconds"
    fi
  done
  put "api${tag}_vmhwm_kb" "$(vmhwm_kb)"

  # The heaviest wallet (the manifest lists it first) and its year in the mix.
  local heavy start end light_id
  read -r heavy start end < <(python3 -c 'import json,sys
p = [p for p in json.load(open(sys.argv[1])) if p["class"] == "heavy" and p["window"] == "year"][0]
print(p["wallet"], p["start"], p["end"])' "$dir/params.json")
  light_id=$(sql "$db" "SELECT twap_id FROM twap_status WHERE wallet = '$(python3 -c 'import json,sys
print([p for p in json.load(open(sys.argv[1])) if p["class"] == "light"][-1]["wallet"])' "$dir/params.json")'
    ORDER BY ts, twap_id LIMIT 1")
  put "heavy${tag}" "$(python3 -c 'import json,sys; print(json.dumps(dict(zip(["wallet","start","end","light_twap"], sys.argv[1:]))))' \
    "$heavy" "$start" "$end" "$light_id")"
  echo "/api/v1/twaps/$light_id" >"$dir/light.txt"
  echo "/api/v1/twaps?wallet=$heavy&start=$start&end=$end&limit=1000&latest_per_twap=false" >"$dir/heavy.txt"
  check_urls "$dir/light.txt"
  check_urls "$dir/heavy.txt"
  log "API: a light request alone, ${api_seconds}s"
  run_wrk "light_alone$tag" "light_alone$tag" "$dir/light.txt" 1 "$api_seconds"
  log "API: the light request beside $heavy_connections connections of heavy ones, ${api_seconds}s"
  WRK_CONNECTIONS=$heavy_connections wrk -t 2 -c "$heavy_connections" -d "$((api_seconds + 2))s" \
    --timeout 30s -s "$root/bench/wrk_urls.lua" "$base" -- "$dir/heavy.txt" >"$work/logs/heavy$tag.log" 2>&1 &
  local heavy_pid=$!
  sleep 1
  run_wrk "light_loaded$tag" "light_loaded$tag" "$dir/light.txt" 1 "$api_seconds"
  wait "$heavy_pid" || true
  put "heavy_load$tag" "$(grep '^{' "$work/logs/heavy$tag.log")"
  curl -s -o /dev/null --max-time 120 "$base/healthz" || true

  log "paging $heavy's year by 100: reference SQL, the API's SQL, the API"
  local walk=("$build_dir/bench/page_walk" --wallet "$heavy" --start "$start" --end "$end"
    --limit 100)
  local sql_walk=("${walk[@]}" --url "$(db_url "$db")")
  # One walk first, untimed, so that all three find the wallet's pages in PostgreSQL's cache.
  "${sql_walk[@]}" --sql "$root/src/api/sql/twaps_latest.sql" >/dev/null
  put "paging_ref$tag" "$("${sql_walk[@]}" --sql "$root/tests/sql/twaps_latest_reference.sql")"
  put "paging_new$tag" "$("${sql_walk[@]}" --sql "$root/src/api/sql/twaps_latest.sql")"
  put "paging_api$tag" "$("${walk[@]}" --api "$base")"

  # A fresh process, so that its peak is that of the one page.
  stop_api
  if start_api "$db" "api_page$tag"; then
    curl -s -o /dev/null "$base/api/v1/twaps?wallet=$heavy&start=$start&end=$end&limit=1"
    local before
    before=$(vmhwm_kb)
    log "API: one page of $max_limit TWAPs with rows"
    curl -s -D "$dir/page.headers" -o "$dir/page.json" \
      "$base/api/v1/twaps?wallet=$heavy&start=$start&end=$end&limit=$max_limit&latest_per_twap=false"
    put "page$tag" "$(python3 -c 'import json,sys
page = json.load(open(sys.argv[1]))
headers = open(sys.argv[2]).read().lower()
print(json.dumps({"vmhwm_before_kb": int(sys.argv[3]), "vmhwm_after_kb": int(sys.argv[4]),
                  "bytes": __import__("os").path.getsize(sys.argv[1]), "twaps": len(page["twaps"]),
                  "rows": sum(len(t["rows"]) for t in page["twaps"]),
                  "chunked": "transfer-encoding: chunked" in headers}))' \
      "$dir/page.json" "$dir/page.headers" "$before" "$(vmhwm_kb)")"
    rm -f "$dir/page.json"
  else
    failed=1
    note "the API did not restart for the page figure"
  fi
  stop_api
}

api_sql_json=$work/api_sql.json
ref_sql_json=$work/api_ref_sql.json
fills_sql_json=$work/api_fills_sql.json
api_sql_ok=0
if "${bench_py[@]}" api-sql list "$root/src/api/sql" "$api_sql_json" 2>"$work/logs/api_sql.log" &&
  "${bench_py[@]}" api-sql list_reference "$root/tests/sql" "$ref_sql_json" 2>>"$work/logs/api_sql.log"; then
  api_sql_ok=1
fi
if [ "$etl_ok" = 1 ] && [ "$api_sql_ok" = 1 ]; then
  api_phase "" "$main_db" "$data/manifest.json" "$fills_ok"
else
  failed=1
  note "API phase skipped: $( [ "$etl_ok" = 1 ] && tail -n 1 "$work/logs/api_sql.log" || echo 'no data (the ETL failed)')"
fi

# --- the same API figures at a smaller scale, in its own database -------------------------------
if skipped mix || [ "$mix_rows" -le 0 ]; then
  log "mix scale skipped"
elif [ "$api_sql_ok" = 1 ]; then
  mix_data=$work/data_mix
  mix_stamp="rows=$mix_rows seed=$seed"
  if [ ! -f "$mix_data/stamp" ] || [ "$(cat "$mix_data/stamp")" != "$mix_stamp" ]; then
    rm -rf "$mix_data"
    log "generating $mix_rows rows for the mix scale"
    "$gen" --rows "$mix_rows" --seed "$seed" --out "$mix_data/files" --manifest "$mix_data/manifest.json" --quiet
    echo "$mix_stamp" >"$mix_data/stamp"
  fi
  mix_db=${db_prefix}_mix
  create_db "$mix_db"
  log "ETL: $mix_rows rows into the mix scale's database"
  if etl etl_mix "$mix_db" --local-file "$mix_data/files"; then
    put mix_rows "$(sql "$mix_db" "SELECT count(*) FROM twap_status")"
    api_phase _mix "$mix_db" "$mix_data/manifest.json" 0
  else
    failed=1
    note "ETL of the mix scale failed: $(tail -n 3 "$work/logs/etl_mix.log" | tr '\n' ' ')"
  fi
  drop_db "$mix_db"
fi

# --- exports ------------------------------------------------------------------------------------
# One heavy wallet's year of slice fills (generated in SQL: the phase needs no ETL), exported by
# `hltwap export` and by the API in each format, against psql \copy of the same rows as CSV.
if ! skipped exports; then
  export_db=${db_prefix}_export
  export_wallet=0x00000000000000000000000000000000000e0e0e
  create_db "$export_db"
  log "exports: generating $export_fills fills of one wallet over 2025"
  sql "$export_db" "INSERT INTO twap_fill (twap_id, wallet, tid, time, coin, side, px, sz, fee,
    fee_token, closed_pnl, start_position, dir, crossed, oid, hash, s3_object_key)
    SELECT (700000 + g / 500)::text, '$export_wallet', g,
           '2025-01-01'::timestamptz + ((g - 1) * (31536000.0 / $export_fills)) * interval '1 s',
           CASE WHEN g % 20 = 0 THEN '@107' ELSE (ARRAY['BTC','ETH','SOL','HYPE'])[1 + g % 4] END,
           CASE WHEN (g / 500) % 2 = 0 THEN 'B' ELSE 'A' END,
           round((100 + (g % 977) * 1.37)::numeric, 4), round(((g % 113) + 1) * 0.00731, 5),
           round(((g % 17) - 2) * 0.0131, 6), 'USDC', round(((g % 29) - 14) * 0.731, 6),
           round((g % 500) * 0.01, 5),
           CASE WHEN g % 20 = 0 THEN CASE WHEN (g / 500) % 2 = 0 THEN 'Buy' ELSE 'Sell' END
                WHEN (g / 500) % 2 = 0 THEN 'Open Long' ELSE 'Close Long' END,
           g % 3 <> 0, 50000000000 + g, '0x' || md5(g::text) || md5((g + 1)::text), 'bench'
    FROM generate_series(1, $export_fills) g"
  sql "$export_db" "ANALYZE twap_fill"
  export_range=(--start 2025-01-01 --end 2025-12-31T23:59:59.999999Z)
  export_query="wallet=$export_wallet&start=2025-01-01&end=2025-12-31T23:59:59.999999Z"
  put export_fills "$export_fills"
  log "exports: psql \\copy of the fills as CSV (baseline)"
  timed export_copy psql -X -q -v ON_ERROR_STOP=1 "$(db_url "$export_db")" -c "\\copy (SELECT
    to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), wallet, twap_id, tid, coin,
    side, dir, px, sz, px * sz, fee, fee_token, closed_pnl, start_position, crossed, hash, oid,
    builder_fee FROM twap_fill WHERE wallet = '$export_wallet' ORDER BY time, tid) TO '/dev/null'
    WITH (FORMAT csv, HEADER)"
  put export_copy_rows_per_s "$(per_second "$export_fills" "$elapsed")"
  log "exports: hltwap export --format csv"
  if timed export_cli env -C "$work" DATABASE_URL="$(db_url "$export_db")" \
      "$hltwap" export --wallet "$export_wallet" "${export_range[@]}" --output /dev/null; then
    put export_cli_csv_rows_per_s "$(per_second "$export_fills" "$elapsed")"
    put export_cli_rss_kb "$rss_kb"
  else
    failed=1
    note "hltwap export failed: $(tail -n 2 "$work/logs/export_cli.log" | tr '\n' ' ')"
  fi
  if start_api "$export_db" api_export; then
    put export_api_vmhwm_before_kb "$(vmhwm_kb)"
    for variant in csv awaken koinly; do
      extra="&format=$variant"
      [ "$variant" = awaken ] && extra="$extra&market=perp"
      log "exports: GET /api/v1/export?…$extra"
      if timed "export_api_$variant" curl -fsS -o "$work/export_$variant.csv" "$base/api/v1/export?$export_query$extra"; then
        export_rows=$(($(wc -l <"$work/export_$variant.csv") - 1))
        put "export_api_${variant}_rows" "$export_rows"
        put "export_api_${variant}_rows_per_s" "$(per_second "$export_rows" "$elapsed")"
        put "export_api_${variant}_mib" "$(($(stat -c %s "$work/export_$variant.csv") / 1048576))"
      else
        failed=1
        note "GET /api/v1/export ($variant) failed"
      fi
      rm -f "$work/export_$variant.csv"
    done
    put export_api_vmhwm_after_kb "$(vmhwm_kb)"
  else
    failed=1
    note "the API did not start on the export database"
  fi
  stop_api
  drop_db "$export_db"
fi

# --- report -------------------------------------------------------------------------------------
put total_seconds "$(($(date +%s) - started_at))"
put load_average_at_end "$(cut -d' ' -f1-3 /proc/loadavg)"
put finished_at "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
put notes "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "${notes[@]+"${notes[@]}"}")"
"${bench_py[@]}" report "$results" "$results_dir/latest.md" "$results_dir/latest.json"
reported=1
exit $failed
