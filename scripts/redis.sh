#!/usr/bin/env bash
# Start a throw-away Redis server for tests on 127.0.0.1 and a free port; prints its URL.
#   export DASAN_TEST_REDIS_URL=$(scripts/redis.sh)
# Installs Debian's redis-server when it is missing. Stop it with:
#   redis-cli -u "$DASAN_TEST_REDIS_URL" shutdown nosave
set -euo pipefail

if ! command -v redis-server >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if ! $SUDO apt-get install -y redis-server >/dev/null 2>&1; then
    $SUDO apt-get update >/dev/null
    $SUDO apt-get install -y redis-server >/dev/null
  fi
fi

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
DIR="${DASAN_REDIS_DIR:-$ROOT/var/redis-test-$PORT}"
mkdir -p "$DIR"

redis-server --bind 127.0.0.1 --port "$PORT" --daemonize yes --save "" --appendonly no \
  --dir "$DIR" --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" >/dev/null

for _ in $(seq 1 50); do
  if redis-cli -p "$PORT" ping >/dev/null 2>&1; then
    echo "redis://127.0.0.1:$PORT/0"
    exit 0
  fi
  sleep 0.1
done
echo "redis-server did not start; see $DIR/redis.log" >&2
exit 1
