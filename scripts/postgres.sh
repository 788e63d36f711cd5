#!/usr/bin/env bash
# Install (Debian package) and start a throwaway PostgreSQL server on loopback for tests and
# benchmarks. Prints the SQLAlchemy URL on stdout. Idempotent: a running server is reused.
#   usage: scripts/postgres.sh [start|stop|url]
set -euo pipefail
PORT="${DASAN_PG_PORT:-55432}"
DATA="${DASAN_PG_DIR:-/tmp/dasan-pg-$PORT}"
# One database per checkout (its path's checksum in the name): two clones on one machine share
# the server but never each other's tables. DASAN_PG_DB names it outright; DASAN_PG_DB_BASE
# changes the prefix (the benches use dasan_bench).
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DB="${DASAN_PG_DB:-${DASAN_PG_DB_BASE:-dasan_test}_$(printf %s "$ROOT" | cksum | cut -d' ' -f1)}"
URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"
cmd="${1:-start}"

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  echo "$d"
}

as_postgres() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  url) echo "$URL"; exit 0 ;;
  stop)
    BIN=$(pg_bin)
    [ -n "$BIN" ] && [ -f "$DATA/postmaster.pid" ] && as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2 || true
    exit 0 ;;
esac

if [ -z "$(pg_bin)" ]; then
  echo "installing PostgreSQL (Debian package)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || true
  apt-get install -y -q postgresql >&2
fi
BIN=$(pg_bin)

if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"
  [ "$(id -u)" = "0" ] && chown postgres:postgres "$DATA"
  as_postgres "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PORT"
    echo "unix_socket_directories = '$DATA'"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
    echo "max_connections = 200"
    echo "shared_buffers = 256MB"
  } >> "$DATA/postgresql.conf"
fi

if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 start >&2
fi
if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
  "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB" >&2
fi
echo "$URL"
