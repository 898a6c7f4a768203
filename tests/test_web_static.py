"""The dashboard's shipped static files: present, small, offline, and its interface text clean."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from rasd.api.app import static_dir

STATIC = static_dir()
ROOT = Path(__file__).resolve().parents[1]
ARABIC_MARKS = re.compile("[\u0640\u064B-\u065F\u0670\u06D6-\u06ED]")       # tatweel and harakat
PRESENTATION_FORMS = re.compile("[\uFB50-\uFDFF\uFE70-\uFEFF]")


def test_built_files_match_sources():
    for name in ("index.html", "app.js", "style.css", "i18n.json"):
        assert (STATIC / name).read_bytes() == (ROOT / "web" / "src" / name).read_bytes(), \
            f"{name}: rasd/web/static is stale; run web/build.sh"
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "geo/countries.json", "geo/admin1.json"):
        assert (STATIC / name).is_file()


def test_static_files_are_small_and_offline():
    total = sum(p.stat().st_size for p in STATIC.rglob("*") if p.is_file())
    assert total < 3 * 1024 * 1024
    for name in ("index.html", "app.js", "style.css"):
        text = (STATIC / name).read_text(encoding="utf-8")
        # No tile servers, CDNs or fonts from the internet: only this server's paths.
        assert not re.search(r"(src|href)=\"https?://", text), name
        assert "tile.openstreetmap" not in text and "unpkg.com" not in text and "googleapis" not in text


def test_outlines_cover_the_region():
    countries = json.loads((STATIC / "geo" / "countries.json").read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in countries["features"]}
    assert {"Iraq", "Syria", "Yemen", "Libya", "Mali", "Niger", "Sudan"} <= names
    admin1 = json.loads((STATIC / "geo" / "admin1.json").read_text(encoding="utf-8"))
    by_code = {f["properties"]["code"]: f["properties"]["name_ar"] for f in admin1["features"]}
    assert by_code["IQ-DI"] == "ديالى"
    for name in by_code.values():
        assert unicodedata.normalize("NFC", name) == name


def test_interface_text_lint():
    strings = json.loads((STATIC / "i18n.json").read_text(encoding="utf-8"))
    assert set(strings["en"]) == set(strings["ar"]), "every interface string in both languages"
    for key, value in strings["ar"].items():
        assert unicodedata.normalize("NFC", value) == value, key
        assert not ARABIC_MARKS.search(value), f"{key}: tatweel or diacritics"
        assert not PRESENTATION_FORMS.search(value), f"{key}: presentation forms"
        assert re.search("[\u0600-\u06FF]", value) or key in ("page",), f"{key}: not translated"
    placeholders = re.compile(r"\{(\w+)\}")
    for key in strings["en"]:
        assert set(placeholders.findall(strings["en"][key])) == set(placeholders.findall(strings["ar"][key])), key
