#!/usr/bin/env bash
# Place one test call to a running gateway with sipp (Debian sip-tester), pressing menu keys by
# RFC 4733 DTMF, e.g. `scripts/voice-call.sh 1` (교통), `scripts/voice-call.sh 91` (English).
# Usage: scripts/voice-call.sh [KEYS: 0 1 2 3 91 star2 71] [HOST:PORT (127.0.0.1:5060)] [CALLER]
set -euo pipefail
keys=${1:-1}
target=${2:-127.0.0.1:5060}
caller=${3:-01012345678}
here=$(cd "$(dirname "$0")/.." && pwd)
scenario="$here/tests/integration/voice/scenarios/caller_keys_${keys}.xml"
[ -f "$scenario" ] || { echo "no scenario for keys '$keys' ($scenario)" >&2; exit 2; }
command -v sipp >/dev/null || "$here/scripts/system-deps.sh"
exec sipp "$target" -sf "$scenario" -m 1 -nostdin -i 127.0.0.1 -mi 127.0.0.1 -s 120 \
  -key caller "$caller" -p 0 -mp 0 -timeout 60s -timeout_error
