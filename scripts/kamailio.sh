#!/usr/bin/env bash
# Run Dasan's Kamailio front (deploy/kamailio/kamailio.cfg) in the foreground, spreading new
# calls over the given `dasan voice` gateways (dispatcher, round-robin, OPTIONS pings).
#   scripts/kamailio.sh 127.0.0.1:5060 127.0.0.1:5061 127.0.0.1:5062
# The first address is where the trunk/SBC sends calls; the rest are the gateways
# (`dasan voice --port 5061`, `dasan voice --port 5062`, ...). Needs Debian's kamailio
# (scripts/system-deps.sh). DASAN_KAMAILIO_DIR sets where the filled-in config goes.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 LISTEN_HOST:PORT GATEWAY_HOST:PORT [GATEWAY_HOST:PORT ...]" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
listen="$1"; shift
dir="${DASAN_KAMAILIO_DIR:-$root/var/kamailio/${listen//[:.]/-}}"
mkdir -p "$dir/run"
: > "$dir/dispatcher.list"
for gw in "$@"; do
  echo "1 sip:$gw" >> "$dir/dispatcher.list"
done
sed "s#@LIST_FILE@#$dir/dispatcher.list#" "$root/deploy/kamailio/kamailio.cfg" > "$dir/kamailio.cfg"
exec kamailio -DD -E -f "$dir/kamailio.cfg" -l "udp:$listen" -Y "$dir/run" -P "$dir/run/kamailio.pid"
