"""The gazetteer: coverage of the places the news names, the matching rules, same-name resolution, data lint."""
from __future__ import annotations

import gzip
import json
import math
import time
import tracemalloc
import unicodedata
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
import yaml

from rasd.kb.gazetteer import (LEVELS, Place, geo_precision, load_gazetteer, resolve_place, where_prec)
from rasd.kb.stats import kb_stats
from rasd.text.normalise import fold

DATA = Path(resources.files("rasd.kb").joinpath("data"))  # type: ignore[arg-type]
EXAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "examples" / "diyala-ghwayran-2022-01-21.article.jsonl"
FOCUS = ("IQ", "SY", "YE", "LY", "PS", "LB", "JO", "EG", "SD", "SO", "ML", "BF", "NE", "NG", "TD")


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def km(a: Place, lat: float, lon: float) -> float:
    p = math.pi / 180
    h = (math.sin((lat - a.latitude) * p / 2) ** 2
         + math.cos(a.latitude * p) * math.cos(lat * p) * math.sin((lon - a.longitude) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(h))


def test_load_time_and_memory_reported():
    load_gazetteer.cache_clear()
    t = time.perf_counter()
    gaz = load_gazetteer()
    elapsed = time.perf_counter() - t
    load_gazetteer.cache_clear()
    tracemalloc.start()     # a second load under tracemalloc (which slows it) for the memory figure
    load_gazetteer()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\ngazetteer: {len(gaz)} places loaded in {elapsed:.3f} s, peak {peak / 1e6:.1f} MB traced")
    assert len(gaz) > 5000
    assert elapsed < 10     # the target is well under 1 s; only a broken loader takes this long


# -- the places the issue names --------------------------------------------------------------------------------
EXAMPLES = {
    # name: (country, admin1, approximate lat, lon, tolerance km) of the first-ranked place
    "ديالى": ("IQ", "Diyala", 33.9, 45.0, 80),
    "العظيم": ("IQ", "Diyala", 34.4, 44.5, 30),
    "الحسكة": ("SY", "Al Hasakah", 36.5, 40.75, 40),
    "غويران": ("SY", "Al Hasakah", 36.48, 40.74, 5),
    "البوكمال": ("SY", "Deir ez Zor", 34.45, 40.92, 60),
    "الميادين": ("SY", "Deir ez Zor", 35.02, 40.45, 40),
    "حماة": ("SY", "Hama", 35.13, 36.75, 60),
    "ادلب": ("SY", "Idlib", 35.93, 36.63, 60),
    "سنجار": ("IQ", "Nineveh", 36.32, 41.88, 30),
    "الفلوجة": ("IQ", "Al Anbar", 33.35, 43.78, 20),
    "الموصل": ("IQ", "Nineveh", 36.34, 43.13, 20),
    "كركوك": ("IQ", "Kirkuk", 35.47, 44.39, 60),
    "طوز خورماتو": ("IQ", "Salah ad Din", 34.89, 44.63, 20),
    "الرمادي": ("IQ", "Al Anbar", 33.42, 43.3, 20),
    "مأرب": ("YE", "Ma'rib", 15.46, 45.33, 60),
    "الحديدة": ("YE", "Al Hudaydah", 14.8, 42.95, 60),
    "تعز": ("YE", "Ta'izz", 13.58, 44.02, 60),
    "صنعاء": ("YE", None, 15.35, 44.21, 40),
    "عدن": ("YE", "Aden", 12.78, 45.04, 40),
    "سرت": ("LY", "Sirte", 31.2, 16.59, 150),
    "بنغازي": ("LY", "Benghazi", 32.12, 20.07, 120),
    "درنة": ("LY", "Derna", 32.77, 22.64, 150),
    "غزة": ("PS", "Gaza Strip", 31.5, 34.47, 20),
    "خان يونس": ("PS", "Gaza Strip", 31.34, 34.31, 10),
    "جنين": ("PS", "West Bank", 32.46, 35.3, 10),
    "نابلس": ("PS", "West Bank", 32.22, 35.25, 10),
    "العريش": ("EG", None, 31.13, 33.8, 20),
    "الشيخ زويد": ("EG", None, 31.22, 34.11, 20),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_places_resolve(gaz, name):
    cc, admin1, lat, lon, tol = EXAMPLES[name]
    found = gaz.lookup(name)
    assert found, f"{name} not in the gazetteer"
    best = resolve_place(found, Counter({cc: 1}), Counter())
    assert best.country_code == cc
    if admin1:
        assert best.admin1 == admin1
    assert km(best, lat, lon) < tol, (best, km(best, lat, lon))


def test_rafah_is_in_gaza_and_in_sinai(gaz):
    countries = {p.country_code for p in gaz.lookup("رفح")}
    assert {"PS", "EG"} <= countries


def test_tripoli_libya_or_lebanon_by_context(gaz):
    found = gaz.lookup("طرابلس")
    assert {p.country_code for p in found} >= {"LY", "LB"}
    libya = resolve_place(found, Counter({"LY": 2}), Counter())
    lebanon = resolve_place(found, Counter({"LB": 1}), Counter({"North Governorate": 1}))
    assert libya.country_code == "LY" and km(libya, 32.9, 13.2) < 60
    assert lebanon.country_code == "LB" and km(lebanon, 34.43, 35.84) < 20
    # with no context the bigger Tripoli, Libya's capital, wins
    assert resolve_place(found, Counter(), Counter()).country_code == "LY"


def test_tripoli_pinned_by_nisba_adjective(gaz):
    m, = [m for m in gaz.find_places("وصل الوفد إلى طرابلس اللبنانية أمس") if m.name_start]
    assert {c.country_code for c in m.candidates} == {"LB"}


def test_raqqa_resolves_in_syria(gaz):
    found = gaz.lookup("الرقة")
    best = resolve_place(found, Counter({"SY": 3}), Counter({"Ar Raqqah": 1}))
    assert best.country_code == "SY" and best.admin1 == "Ar Raqqah"
    assert km(best, 35.95, 39.0) < 60
    # inside the governorate the town beats the governorate itself
    assert best.level != "admin1"


def test_unit_named_after_its_seat_resolves_to_the_town(gaz):
    douma = resolve_place(gaz.lookup("دوما"), Counter({"SY": 1}), Counter({"Rif Dimashq": 1}))
    assert douma.level == "populated" and km(douma, 33.57, 36.40) < 10
    idlib = resolve_place(gaz.lookup("إدلب"), Counter({"SY": 1}), Counter())
    assert idlib.level == "populated" and km(idlib, 35.93, 36.63) < 10
    # a typed mention keeps its level: "محافظة إدلب" offers the governorate only
    typed = resolve_place(gaz.lookup_typed("محافظة إدلب"), Counter({"SY": 1}), Counter())
    assert typed.level == "admin1"


def test_socotra_admin1_point_is_on_the_island(gaz):
    socotra = gaz.lookup("سقطرى", level="admin1")[0]
    assert socotra.longitude > 52


def test_resolve_place_needs_candidates():
    with pytest.raises(ValueError):
        resolve_place([], Counter(), Counter())


def test_iraq_governorates_complete(gaz):
    iq = [p for p in gaz.places if p.country_code == "IQ" and p.level == "admin1"]
    names = {p.name_en for p in iq}
    assert {"Diyala", "Nineveh", "Salah ad Din", "Al Anbar", "Baghdad", "Basra", "Kirkuk", "Erbil", "Duhok",
            "Sulaymaniyah", "Babil", "Karbala", "Najaf", "Wasit", "Maysan", "Dhi Qar", "Al Muthanna",
            "Al Qadisiyah"} <= names
    assert all(p.name_ar for p in iq)
    for a1 in ("Diyala", "Nineveh", "Al Anbar", "Salah ad Din"):
        districts = [p for p in gaz.places if p.level == "admin2" and p.country_code == "IQ" and p.admin1 == a1]
        assert sum(bool(p.name_ar) for p in districts) >= 5, a1
    assert sum(p.country_code == "IQ" and p.level == "admin3" for p in gaz.places) > 200


def test_admin1_english_names_follow_geonames(gaz):
    for code, name in (("SY", "Al Hasakah"), ("SY", "Idlib"), ("YE", "Sana'a"), ("YE", "Ta'izz"),
                       ("IQ", "Nineveh"), ("IQ", "Salah ad Din"), ("IQ", "Al Anbar"), ("IQ", "Diyala")):
        assert gaz.admin_unit(code, name) is not None, (code, name)


def test_every_focus_country_has_admin1_with_coordinates(gaz):
    for cc in FOCUS:
        units = [p for p in gaz.places if p.country_code == cc and p.level == "admin1"]
        assert len(units) >= 2, cc
        country = gaz.country(cc)
        for u in units:
            assert km(u, country.latitude, country.longitude) < 2500, (cc, u)


# -- the typed and common-word rules ----------------------------------------------------------------------------
def test_typed_lookups(gaz):
    assert {p.level for p in gaz.lookup_typed("محافظة ديالى")} == {"admin1"}
    assert gaz.lookup_typed("قضاء سنجار")[0].level == "admin2"
    assert gaz.lookup_typed("ناحية العظيم")[0].level == "admin3"
    assert gaz.lookup_typed("مدينة الموصل")[0].level == "populated"
    rural = gaz.lookup_typed("ريف البوكمال")
    assert rural and rural[0].level == "admin1" and rural[0].admin1 == "Deir ez Zor"


def test_find_places_type_words(gaz):
    text = "قتل ثلاثة في هجوم على ناحية العظيم بمحافظة ديالى، وقصف في مدينة الموصل وقضاء سنجار."
    found = gaz.find_places(text)
    by_text = {m.text: m for m in found}
    assert by_text["ناحية العظيم"].candidates[0].level == "admin3"
    assert by_text["محافظة ديالى"].candidates[0].level == "admin1"
    assert by_text["مدينة الموصل"].candidates[0].level == "populated"
    assert by_text["قضاء سنجار"].candidates[0].level == "admin2"
    assert by_text["ناحية العظيم"].geo_precision == 2
    assert by_text["مدينة الموصل"].geo_precision == 1
    for m in found:
        assert text[m.start:m.end] == m.text
        assert m.start <= m.name_start < m.end


def test_rural_precision(gaz):
    idlib, = gaz.find_places("اشتباكات في ريف إدلب الجنوبي")
    assert idlib.rural and idlib.candidates[0].admin1 == "Idlib" and idlib.geo_precision == 3
    bukamal, = gaz.find_places("قصف على ريف البوكمال")
    assert bukamal.rural and bukamal.candidates[0].level == "admin1" and bukamal.geo_precision == 2


def test_common_words_not_matched_blindly(gaz):
    for word in ("مدينة", "العظيم", "النصر", "الحرية", "السلام", "الشعب", "الوطن", "الامن", "الجيش"):
        assert gaz.is_ambiguous_common_word(word), word
    assert gaz.find_places("قال إن الجيش حقق النصر وإن السلام قريب") == []
    assert gaz.find_places("وصف الحدث بالعظيم") == []
    # a type word, or the governorate in the article, lets the name count
    assert [m.text for m in gaz.find_places("هجوم على ناحية العظيم")] == ["ناحية العظيم"]
    texts = [m.text for m in gaz.find_places("هجوم في العظيم شمال محافظة ديالى")]
    assert "العظيم" in texts
    # weekday and "coalition" are Yemeni hamlets in GeoNames; never places by themselves
    assert gaz.find_places("قال التحالف يوم الخميس") == []


def test_example_article_places(gaz):
    if not EXAMPLE.exists():
        pytest.skip("shared/ examples not beside the checkout")
    text = json.loads(EXAMPLE.read_text(encoding="utf-8").splitlines()[0])["text"]
    found = gaz.find_places(text)
    for m in found:
        assert text[m.start:m.end] == m.text
    names = {fold(m.text) for m in found}
    assert fold("ناحية العظيم") in names and fold("سجن غويران") in names
    assert fold("الحسكة") in {fold(m.original_text(text)) for m in found}
    admin1s = {m.candidates[0].admin1 for m in found if m.candidates[0].level != "country"}
    assert {"Diyala", "Al Hasakah"} <= admin1s


def test_bad_input_is_clean(gaz):
    assert gaz.find_places("") == []
    assert gaz.find_places("12345 !!! abc") == []
    assert gaz.lookup("") == []
    with pytest.raises(ValueError):
        gaz.lookup("ديالى", level="province")
    with pytest.raises(KeyError):
        gaz.country("XX")
    assert gaz.by_id("gn:does-not-exist") is None


# -- admin fallbacks, countries, precision ------------------------------------------------------------------------
def test_admin_unit_fallback(gaz):
    district = gaz.admin_unit("IQ", "Diyala", "Al-Khalis")
    assert district is not None and district.level == "admin2" and district.name_ar == "الخالص"
    assert gaz.admin_unit("IQ", "Diyala", "No Such District").level == "admin1"
    assert gaz.admin_unit("iq", "diyala").name_en == "Diyala"
    assert gaz.admin_unit("IQ", "Atlantis") is None
    sub = gaz.admin_unit("IQ", "Diyala", "Al-Khalis", "Al-Udaim")
    assert sub is not None and sub.level == "admin3"
    jenin = gaz.admin_unit("PS", "West Bank", "Jenin")
    assert jenin is not None and jenin.level == "admin2" and jenin.country == "Palestine"


def test_country_and_hierarchy(gaz):
    iq = gaz.country("IQ")
    assert iq.name_ar == "العراق" and iq.level == "country"
    diyala = gaz.lookup("ديالى", level="admin1")[0]
    assert gaz.parent(diyala) == iq
    adhaim = gaz.lookup("العظيم", level="admin3")[0]
    assert gaz.governorate(adhaim) == diyala
    assert gaz.lookup("الموصل", country="SY") == []


def test_precision_codes(gaz):
    by_level = {lvl: next(p for p in gaz.places if p.level == lvl) for lvl in LEVELS}
    assert [geo_precision(by_level[lvl]) for lvl in LEVELS] == [3, 3, 2, 2, 1, 1]
    assert [where_prec(by_level[lvl]) for lvl in LEVELS] == [6, 4, 3, 2, 1, 1]


def test_lexicon_finds_clitic_forms(gaz):
    from rasd.text.normalise import normalise
    lex = gaz.lexicon()
    text = "وبالحسكة والبوكمال"
    matches = lex.find(normalise(text))
    assert [text[m.start:m.end] for m in matches] == ["الحسكة", "البوكمال"]


def test_kb_stats(gaz):
    rows = kb_stats()
    assert sum(n for _, _, n in rows) == len(gaz)
    assert ("Iraq", "admin1", 19) in rows


# -- the artefact and the data files ---------------------------------------------------------------------------
def test_artefact_integrity(gaz):
    ids = Counter(p.id for p in gaz.places)
    assert not [i for i, n in ids.items() if n > 1]
    for p in gaz.places:
        assert p.level in LEVELS
        assert -90 <= p.latitude <= 90 and -180 <= p.longitude <= 180, p
        assert p.level == "country" or gaz.by_id(p.parent_id) is not None, p
    size = (DATA / "gazetteer.tsv.gz").stat().st_size
    assert size < 5_000_000


def _arabic_problems(s: str) -> list[str]:
    problems = []
    if unicodedata.normalize("NFC", s) != s:
        problems.append("not NFC")
    if any(0xFB50 <= ord(c) <= 0xFDFF or 0xFE70 <= ord(c) <= 0xFEFF for c in s):
        problems.append("presentation form")
    if "\u0640" in s:
        problems.append("tatweel")
    if any(0x064B <= ord(c) <= 0x065F or c == "\u0670" for c in s):
        problems.append("diacritic")
    if s != s.strip() or "  " in s:
        problems.append("stray spaces")
    return problems


def _no_fold_duplicates(names: list[str], where: str) -> None:
    folded = Counter(fold(n) for n in names)
    dups = [n for n, c in folded.items() if c > 1]
    assert not dups, f"{where}: duplicates after folding: {dups}"


def test_lint_artefact_names(gaz):
    bad = []
    for p in gaz.places:
        for n in p.names_ar:
            if _arabic_problems(n):
                bad.append((p.id, n, _arabic_problems(n)))
        if len({fold(n) for n in p.names_ar}) != len(p.names_ar):
            bad.append((p.id, "duplicate names after folding"))
    assert not bad, bad[:10]


def _header_ok(text: str, name: str) -> None:
    head = "\n".join(line for line in text.splitlines()[:25] if line.startswith("#")).lower()
    for field in ("schema", "version", "source", "licence"):
        assert field in head, f"{name}: header lacks {field}"


def test_lint_yaml_data_files():
    for name in ("places_extra.yaml", "place_stopwords.yaml", "gazetteer_admin1_names.yaml",
                 "gazetteer_common_words.tsv"):
        _header_ok((DATA / name).read_text(encoding="utf-8"), name)
    stop = yaml.safe_load((DATA / "place_stopwords.yaml").read_text(encoding="utf-8"))
    for key in ("ambiguous_names", "never_places", "rescue_type_words"):
        for w in stop[key]:
            assert not _arabic_problems(w), (key, w)
        _no_fold_duplicates(stop[key], key)
    type_words = list(stop["place_type_words"])
    _no_fold_duplicates(type_words, "place_type_words")
    assert set(stop["place_type_words"].values()) <= {"admin1", "admin2", "admin3", "populated", "site", "rural"}
    assert set(map(fold, stop["rescue_type_words"])) <= set(map(fold, type_words))
    adjs = [a for v in stop["country_adjectives"].values() for a in v]
    _no_fold_duplicates(adjs, "country_adjectives")
    extra = yaml.safe_load((DATA / "places_extra.yaml").read_text(encoding="utf-8"))
    for e in extra["places"]:
        names = [e["name_ar"], *(e.get("aliases_ar") or [])]
        for n in names:
            assert not _arabic_problems(n), (e["name_en"], n)
        _no_fold_duplicates(names, e["name_en"])
        assert e["level"] in ("site", "populated", "admin1", "admin2", "admin3") and e.get("source")
        assert -90 <= e["lat"] <= 90 and -180 <= e["lon"] <= 180
    _no_fold_duplicates([e["name_en"] for e in extra["places"]], "places_extra name_en")
    for cc, names in extra["country_aliases"].items():
        _no_fold_duplicates(names, cc)
    common = [line.split("\t")[0] for line in (DATA / "gazetteer_common_words.tsv").read_text("utf-8").splitlines()
              if line and not line.startswith("#")][1:]
    assert len(common) > 100
    _no_fold_duplicates(common, "gazetteer_common_words.tsv")


def test_artefact_header_names_sources():
    head = gzip.decompress((DATA / "gazetteer.tsv.gz").read_bytes()).decode("utf-8").split("\n", 6)[:5]
    text = "\n".join(head).lower()
    assert "format" in text and "geonames" in text and "opensyria" in text and "licence" in text
