#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the Playwright e2e tests (/usr/bin/chromium).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  /usr/bin/chromium --version 2>/dev/null || true
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! $SUDO apt-get install -y chromium >/dev/null 2>&1; then
  $SUDO apt-get update >/dev/null
  $SUDO apt-get install -y chromium >/dev/null
fi
/usr/bin/chromium --version
