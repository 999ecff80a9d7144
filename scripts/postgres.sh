#!/usr/bin/env bash
# A private PostgreSQL cluster in a directory of our own, for the demo and for tests on machines
# without a reachable server.
#
#   scripts/postgres.sh start DIR    prints the server's URL (postgresql://...) on stdout
#   scripts/postgres.sh stop DIR
#
# initdb refuses to run as root; as root the cluster is owned by the `postgres` system user.
set -euo pipefail

cmd=${1:?start|stop} dir=${2:?data directory}
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

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$dir/pgdata" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if as_owner "$bindir/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1; then
      port=$(cat "$dir/port")
    else
      port=$(free_port)
      echo "$port" >"$dir/port"
      as_owner "$bindir/pg_ctl" -D "$dir/pgdata" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    fi
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -f "$dir/pgdata/PG_VERSION" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "usage: postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
