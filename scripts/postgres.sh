#!/usr/bin/env bash
# A private PostgreSQL cluster in a directory of our own, for the demo and for tests on machines
# without a reachable server.
#
#   scripts/postgres.sh start DIR            prints the server's URL (postgresql://...) on stdout;
#                                            a stopped cluster restarts on its former port
#   scripts/postgres.sh standby PRIMARY DIR  a streaming-replication standby of the private
#                                            cluster in PRIMARY (pg_basebackup -R), started;
#                                            prints its URL
#   scripts/postgres.sh stop DIR
#
# initdb refuses to run as root; as root the cluster is owned by the `postgres` system user.
set -euo pipefail

cmd=${1:?start|standby|stop} dir=${2:?data directory}
bindir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
[ -d "$bindir" ] || bindir=$(dirname "$(command -v pg_ctl)")
[ -x "$bindir/pg_ctl" ] || { echo "postgres.sh: pg_ctl not found (install PostgreSQL's server package)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Whether a server could listen on port $1 (as PostgreSQL binds: with SO_REUSEADDR).
port_free() {
  python3 -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

own_dir() {
  mkdir -p "$1"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$1"
  cd "$1" && pwd
}

# Starts the cluster in $dir unless it runs; prints its URL.
serve() {
  if as_owner "$bindir/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1; then
    port=$(cat "$dir/port")
  else
    # A restart keeps its port, so URLs handed out before stay valid, unless it was taken meanwhile.
    { [ -f "$dir/port" ] && port_free "$(cat "$dir/port")"; } || free_port >"$dir/port"
    port=$(cat "$dir/port")
    as_owner "$bindir/pg_ctl" -D "$dir/pgdata" -l "$dir/postgres.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  fi
  echo "postgresql://postgres@127.0.0.1:$port/postgres"
}

case "$cmd" in
  start)
    dir=$(own_dir "$dir")
    if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$dir/pgdata" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    serve
    ;;
  standby)
    # initdb's pg_hba.conf lets local replication connections in with the cluster's trust auth.
    primary=$(cd "$dir" && pwd) dir=$(own_dir "${3:?standby directory}")
    if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
      as_owner "$bindir/pg_basebackup" -h 127.0.0.1 -p "$(cat "$primary/port")" -U postgres \
        -D "$dir/pgdata" -R -X stream -c fast >"$dir/basebackup.log" 2>&1 \
        || { cat "$dir/basebackup.log" >&2; exit 1; }
    fi
    serve
    ;;
  stop)
    if [ -f "$dir/pgdata/PG_VERSION" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "usage: postgres.sh start DIR | standby PRIMARY_DIR DIR | stop DIR" >&2
    exit 2
    ;;
esac
