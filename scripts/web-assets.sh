#!/usr/bin/env bash
# Install the front-end assets from npm (package.json, pinned) and copy the built files into
# src/dasan/web/static/vendor/ — the app serves them itself, no CDN. Idempotent; skipped with a
# note when npm is missing (the report page then works without the map: coordinates by hand).
# axe-core (a dev dependency) is copied to var/test-assets/ for the e2e accessibility check; it
# is never served.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=src/dasan/web/static/vendor
TEST_ASSETS=var/test-assets
if [ -f "$VENDOR/leaflet/leaflet.js" ] && [ "$VENDOR/leaflet/leaflet.js" -nt package.json ] \
    && [ -f "$TEST_ASSETS/axe-core/axe.min.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: the report page's map (Leaflet) is not installed" >&2
  exit 0
fi
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --silent >&2
else
  npm install --no-audit --no-fund --silent >&2
fi
mkdir -p "$VENDOR/leaflet"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$VENDOR/leaflet/"
cp -r node_modules/leaflet/dist/images "$VENDOR/leaflet/"
cp node_modules/leaflet/LICENSE "$VENDOR/leaflet/LICENSE"
mkdir -p "$TEST_ASSETS/axe-core"
cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE "$TEST_ASSETS/axe-core/"
echo "web assets installed in $VENDOR" >&2
