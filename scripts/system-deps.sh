#!/usr/bin/env bash
# Debian packages the test suite and reports need: PostgreSQL server, Redis, Chromium (browser
# tests), Korean fonts (PDF reports), CJK fonts (the citizen pages in Chinese and Japanese as
# the browser tests draw them), sipp (Debian sip-tester: SIP calls in the voice tests and
# bench), espeak-ng (the voice gateway's Korean prompts) and kamailio (the SIP front that spreads
# calls over several gateways: scripts/kamailio.sh). Installs only what is missing.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/fonts/truetype/nanum ] || need+=(fonts-nanum)
[ -n "$(fc-list :lang=zh-cn family 2>/dev/null)" ] || need+=(fonts-noto-cjk)
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
[ -x /usr/sbin/kamailio ] || need+=(kamailio)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Wait for another apt run (a second checkout setting up at the same time) instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -q "${need[@]}" >&2
fi
# Debian starts its own kamailio service (stock config, port 5060) on hosts with systemd: Dasan
# runs its front through scripts/kamailio.sh instead, so that service stays off.
if [[ " ${need[*]-} " == *" kamailio "* ]] && [ -d /run/systemd/system ]; then
  systemctl disable --now kamailio >&2 || true
fi
