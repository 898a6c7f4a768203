"""The actor dictionary, victim categories and attribution sources: data lint, loading, matching."""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from rasd.kb.actors import (ACTORS_FILE, SOURCES_FILE, VICTIMS_FILE, Actor, KnowledgeBaseError, actor_stats,
                            load_actors, load_sources, load_victim_categories, parse_actors, parse_sources,
                            parse_victim_categories)
from rasd.recognise.lexicon import phrase_key
from rasd.text.normalise import DIACRITICS, TATWEEL, normalise

ACTORS = load_actors()


# ------------------------------------------------------------------------------------------ data lint

def _is_presentation_form(ch: str) -> bool:
    return 0xFB50 <= ord(ch) <= 0xFDFF or 0xFE70 <= ord(ch) <= 0xFEFF


def _phrase_problems(phrase: str) -> list[str]:
    problems = []
    if unicodedata.normalize("NFC", phrase) != phrase:
        problems.append("not NFC")
    if any(_is_presentation_form(c) for c in phrase):
        problems.append("presentation forms")
    if any(c in TATWEEL for c in phrase):
        problems.append("tatweel")
    if any(c in DIACRITICS for c in phrase):
        problems.append("diacritics")
    if phrase != phrase.strip() or "  " in phrase:
        problems.append("stray spaces")
    if not phrase_key(phrase):
        problems.append("no words")
    return problems


def _raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _header_ok(path: Path) -> None:
    head = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()[:40] if line.startswith("#"))
    for word in ("schema:", "version:", "source:", "licence:"):
        assert word in head, f"{path.name}: header comment lacks {word!r}"


def _phrase_rows(path: Path) -> list[tuple[str, str]]:
    """(owner id, phrase) for every phrase of a data file."""
    data = _raw(path)
    if "actors" in data:
        return [(a["id"], p) for a in data["actors"] for p in a["aliases_ar"]]
    if "categories" in data:
        return [(c["id"], p) for c in data["categories"] for p in c["words_ar"]]
    return [(s["id"], p) for s in data["sources"] for p in s["aliases_ar"]]


@pytest.mark.parametrize("path", [ACTORS_FILE, VICTIMS_FILE, SOURCES_FILE], ids=lambda p: p.name)
def test_data_file_lint(path: Path) -> None:
    _header_ok(path)
    rows = _phrase_rows(path)
    assert rows
    bad = [(owner, phrase, problems) for owner, phrase in rows if (problems := _phrase_problems(phrase))]
    assert not bad, bad
    owners: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
    for owner, phrase in rows:
        owners[phrase_key(phrase)].append((owner, phrase))
    duplicates = {k: v for k, v in owners.items() if len(v) > 1}
    assert not duplicates, f"the same phrase after folding, article and clitics aside: {duplicates}"


def test_word_lists_of_the_actor_file_lint() -> None:
    data = _raw(ACTORS_FILE)
    words = [*data["head_words"], *data["article_required"], *data["military_nouns"], *data["military_modifiers"],
             *data["demonym_blockers"], *(w for ws in data["demonyms"].values() for w in ws)]
    bad = [(w, problems) for w in words if (problems := _phrase_problems(w))]
    assert not bad, bad
    assert all(len(w.split()) == 1 for w in words)
    lists = {name: data[name] for name in ("head_words", "article_required", "military_nouns", "military_modifiers",
                                           "demonym_blockers")}
    lists["demonyms"] = [w for ws in data["demonyms"].values() for w in ws]
    for name, values in lists.items():
        keys = [phrase_key(w) for w in values]
        assert len(keys) == len(set(keys)), f"{name}: duplicates after folding"


def test_ambiguous_aliases_are_not_also_ordinary_aliases() -> None:
    data = _raw(ACTORS_FILE)
    ordinary = {phrase_key(p) for a in data["actors"] for p in a["aliases_ar"]}
    for row in data["ambiguous"]:
        assert _phrase_problems(row["alias"]) == []
        assert phrase_key(row["alias"]) not in ordinary, row["alias"]
        assert len(row["actors"]) >= 2


def test_actor_dictionary_shape() -> None:
    assert len(ACTORS) >= 150
    ids = [a.id for a in ACTORS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9_]+", i) for i in ids)
    assert all(1 <= a.inter <= 8 for a in ACTORS)
    assert {a.inter for a in ACTORS} == set(range(1, 9))
    for a in ACTORS:
        assert a.aliases_ar, a.id
        if a.type == "state_forces" and not a.generic:
            assert a.home_country, a.id
        if a.wikidata is not None:
            assert re.fullmatch(r"Q\d+", a.wikidata), a.id
    # the state forces of every country the issue names
    for code in ("IQ", "SY", "YE", "LY", "PS", "LB", "JO", "EG", "SD", "SO", "ML", "BF", "NE", "NG", "TD", "SA",
                 "AE", "TR", "IR", "IL", "AF", "RU", "US"):
        assert any(a.type == "state_forces" and a.home_country == code for a in ACTORS), code


def test_acled_names_used_by_the_gold() -> None:
    names = {a.name_en for a in ACTORS}
    for name in ("Military Forces of Iraq", "Police Forces of Iraq", "Islamic State",
                 "SDF: Syrian Democratic Forces", "Houthis (Ansar Allah)", "Military Forces of Yemen",
                 "Saudi-led Coalition", "Military Forces of Israel", "Hamas", "Libyan National Army", "Hayat Tahrir al-Sham", "PMF: Popular Mobilization Forces",
                 "Military Forces of Syria", "Military Forces of Turkey", "Military Forces of Russia",
                 "Military Forces of the United States", "Global Coalition Against Daesh", "Hezbollah", "al-Shabaab",
                 "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
                 "JNIM: Group for Support of Islam and Muslims", "Rapid Support Forces", "Military Forces of Sudan",
                 "Jaysh al-Islam", "Police Forces of Saudi Arabia"):
        assert name in names, name


# ------------------------------------------------------------------------------------------ English names

@pytest.mark.parametrize("actor_id,country,expected", [
    ("unidentified_armed_group", "LY", "Unidentified Armed Group (Libya)"),
    ("unidentified_armed_group", "Libya", "Unidentified Armed Group (Libya)"),
    ("civilians_generic", "YE", "Civilians (Yemen)"),
    ("protesters_generic", "IQ", "Protesters (Iraq)"),
    ("rioters_generic", "IQ", "Rioters (Iraq)"),
    ("police_forces_generic", "IQ", "Police Forces of Iraq"),
    ("military_forces_generic", "US", "Military Forces of the United States"),
    ("civilians_generic", "US", "Civilians (United States)"),
    ("civilians_generic", "Atlantis", "Civilians (Atlantis)"),
    ("civilians_generic", "DE", "Civilians (Germany)"),
    ("protesters_generic", "Palestinian Territory", "Protesters (Palestine)"),     # GeoNames' name
    ("military_forces_generic", "united states of america", "Military Forces of the United States"),
    ("military_forces_generic", "CD", "Military Forces of the Democratic Republic of Congo"),
    ("military_forces_generic", "Philippines", "Military Forces of the Philippines"),
    ("unidentified_armed_group", None, "Unidentified Armed Group"),
    ("military_forces_generic", None, "Military Forces"),
    ("islamic_state", "IQ", "Islamic State"),
])
def test_english_name(actor_id: str, country: str | None, expected: str) -> None:
    assert ACTORS.english_name(ACTORS.by_id(actor_id), country) == expected


def test_top_level_name_climbs_the_parent_chain() -> None:
    cts = ACTORS.by_id("iraq_counter_terrorism_service")
    assert ACTORS.english_name(cts, "IQ", top_level=True) == "Military Forces of Iraq"
    assert ACTORS.root(ACTORS.by_id("basij")).id == "military_forces_iran"
    assert ACTORS.root(ACTORS.by_id("kataib_hezbollah")).name_en == "PMF: Popular Mobilization Forces"


def test_foreign_forces_keep_inter_1_and_record_their_home() -> None:
    russia = ACTORS.by_id("military_forces_russia")
    assert russia.inter == 1 and russia.home_country == "RU"
    assert ACTORS.acting_abroad(russia, "SY")
    assert not ACTORS.acting_abroad(ACTORS.by_id("military_forces_syria"), "SY")
    assert ACTORS.acting_abroad(ACTORS.by_id("irgc"), "sy")                  # a unit inherits its state's home
    assert not ACTORS.acting_abroad(ACTORS.by_id("islamic_state"), "IQ")     # non-state: no home state
    assert not ACTORS.acting_abroad(russia, None)


def test_unknown_id_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no actor with id"):
        ACTORS.by_id("no_such_actor")


# ------------------------------------------------------------------------------------------ lookup

@pytest.mark.parametrize("arabic,actor_id", [
    ("تنظيم الدولة", "islamic_state"), ("داعش", "islamic_state"), ("الدولة الإسلامية", "islamic_state"),
    ("وداعش", "islamic_state"), ("لتنظيم داعش", "islamic_state"), ("قسد", "sdf"),
    ("بقوات سوريا الديمقراطية", "sdf"), ("الحشد الشعبي", "pmf"), ("ميليشيا الحوثي", "houthis"),
    ("أنصار الله", "houthis"), ("الحوثيين", "houthis"), ("الحوثيون", "houthis"), ("الحوثي", "houthis"),
    ("قوات الدعم السريع", "rapid_support_forces"), ("الجيش العراقي", "military_forces_iraq"),
    ("القوات العراقية", "military_forces_iraq"), ("قوات الأمن العراقية", "military_forces_iraq"),
    ("الجيش السوري", "military_forces_syria"), ("قوات النظام", "military_forces_syria"),
    ("قوات الأسد", "military_forces_syria"), ("جيش الاحتلال", "military_forces_israel"),
    ("الجيش الإسرائيلي", "military_forces_israel"), ("قوات الاحتلال", "military_forces_israel"),
    ("التحالف العربي", "saudi_led_coalition"), ("التحالف بقيادة السعودية", "saudi_led_coalition"),
    ("التحالف الدولي", "global_coalition_against_daesh"), ("الطيران الروسي", "military_forces_russia"),
    ("الجيش التركي", "military_forces_turkey"), ("مسلحون مجهولون", "unidentified_armed_group"),
    ("مجهولون", "unidentified_armed_group"), ("مسلحين", "unidentified_armed_group"),
    ("الجيش", "military_forces_generic"), ("الشرطة", "police_forces_generic"),
    ("القوات الأمنية", "security_forces_generic"), ("قوات الأمن", "security_forces_generic"),
    ("الجيش الوطني الليبي", "libyan_national_army"), ("كتائب حزب الله", "kataib_hezbollah"),
    ("حزب الله", "hezbollah"), ("عصائب أهل الحق", "asaib_ahl_al_haq"), ("سرايا القدس", "saraya_al_quds"),
    ("كتائب القسام", "qassam_brigades"), ("حركة الشباب", "al_shabaab"), ("بوكو حرام", "boko_haram"),
    ("جهاز مكافحة الإرهاب", "iraq_counter_terrorism_service"), ("الفرقة الرابعة", "syria_fourth_division"),
    ("الحرس الثوري", "irgc"), ("البيشمركة", "peshmerga"), ("الحزام الأمني", "security_belt_forces"),
    # spelling variants the folding absorbs: hamza forms, teh marbuta, diacritics, tatweel
    ("الدولة الاسلامية", "islamic_state"), ("الدوله الإسلاميه", "islamic_state"), ("دَاعِش", "islamic_state"),
    ("داعـــش", "islamic_state"),
])
def test_lookup(arabic: str, actor_id: str) -> None:
    assert [a.id for a in ACTORS.lookup(arabic)][:1] == [actor_id]


def test_lookup_unknown_or_empty() -> None:
    assert ACTORS.lookup("مدينة الموصل") == []
    assert ACTORS.lookup("") == []
    assert ACTORS.lookup("   ") == []


def test_ambiguous_coalition_needs_the_country() -> None:
    both = ACTORS.lookup("التحالف")
    assert [a.id for a in both] == ["saudi_led_coalition", "global_coalition_against_daesh"]
    assert ACTORS.disambiguate(both, "YE").id == "saudi_led_coalition"
    assert ACTORS.disambiguate(both, "SY").id == "global_coalition_against_daesh"
    assert ACTORS.disambiguate(both, "IQ").id == "global_coalition_against_daesh"
    assert ACTORS.disambiguate(both, None).id == "saudi_led_coalition"
    assert ACTORS.disambiguate([], "IQ") is None
    strike = ACTORS.find("وشن طيران التحالف غارات")
    assert [(m.text, m.ambiguous) for m in strike] == [("طيران التحالف", True)]   # a head word keeps the ambiguity
    national = ACTORS.lookup("الجيش الوطني")
    assert ACTORS.disambiguate(national, "LY").id == "libyan_national_army"
    assert ACTORS.disambiguate(national, "SY").id == "syrian_national_army"


# ------------------------------------------------------------------------------------------ matching in text

SENTENCES: list[tuple[str, list[tuple[str, str]]]] = [
    ("هاجم عناصر من تنظيم داعش مقرا للجيش العراقي في ناحية العظيم فجر اليوم",
     [("تنظيم داعش", "islamic_state"), ("لجيش العراقي", "military_forces_iraq")]),
    ("اشتبكت قوات سوريا الديمقراطية وداعش قرب سجن غويران",
     [("قوات سوريا الديمقراطية", "sdf"), ("داعش", "islamic_state")]),
    ("قال المتحدث باسم التحالف إن الطيران قصف مواقع لتنظيم داعش",
     [("التحالف", "saudi_led_coalition"), ("تنظيم داعش", "islamic_state")]),
    ("وأعلنت قسد أن مقاتليها صدوا هجوما لتنظيم الدولة الإسلامية",
     [("قسد", "sdf"), ("تنظيم الدولة الإسلامية", "islamic_state")]),
    ("ودارت اشتباكات بين الحوثيين وقوات الجيش الوطني اليمني في مأرب",
     [("الحوثيين", "houthis"), ("قوات الجيش الوطني اليمني", "military_forces_yemen")]),
    ("شن طيران التحالف العربي بقيادة السعودية غارات على مواقع لميليشيا الحوثي في صعدة",
     [("طيران التحالف العربي بقيادة السعودية", "saudi_led_coalition"), ("ميليشيا الحوثي", "houthis")]),
    ("قصفت قوات النظام السوري بلدات في ريف إدلب تسيطر عليها هيئة تحرير الشام",
     [("قوات النظام السوري", "military_forces_syria"), ("هيئة تحرير الشام", "hayat_tahrir_al_sham")]),
    ("استشهد شاب برصاص قوات الاحتلال الإسرائيلي في جنين",
     [("قوات الاحتلال الإسرائيلي", "military_forces_israel")]),
    ("أعلنت كتائب القسام الجناح العسكري لحركة حماس قصف مستوطنات",
     [("كتائب القسام", "qassam_brigades"), ("حركة حماس", "hamas")]),
    ("واشتبكت قوات الدعم السريع مع الجيش السوداني في الخرطوم",
     [("قوات الدعم السريع", "rapid_support_forces"), ("الجيش السوداني", "military_forces_sudan")]),
    ("قتل مسلحون مجهولون ثلاثة مدنيين في بغداد",
     [("مسلحون مجهولون", "unidentified_armed_group"), ("مدنيين", "civilians_generic")]),
    ("وفرقت الشرطة المتظاهرين بالغاز المسيل للدموع",
     [("الشرطة", "police_forces_generic"), ("المتظاهرين", "protesters_generic")]),
    ("نفذ الطيران الروسي غارات على مواقع لفصائل المعارضة",
     [("الطيران الروسي", "military_forces_russia"), ("فصائل المعارضة", "syrian_opposition_rebels")]),
    ("قصف الجيش التركي مواقع لوحدات حماية الشعب الكردية في عفرين",
     [("الجيش التركي", "military_forces_turkey"), ("وحدات حماية الشعب الكردية", "ypg")]),
    ("هاجمت كتائب حزب الله قاعدة عين الأسد",
     [("كتائب حزب الله", "kataib_hezbollah")]),
    ("أطلق حزب الله صواريخ على مواقع للجيش الإسرائيلي",
     [("حزب الله", "hezbollah"), ("لجيش الإسرائيلي", "military_forces_israel")]),
    ("وقتل جنديان في هجوم لحركة الشباب على قاعدة للجيش الصومالي",
     [("حركة الشباب", "al_shabaab"), ("لجيش الصومالي", "military_forces_somalia")]),
    ("هاجم مسلحو بوكو حرام قرية في ولاية بورنو",
     [("مسلحو بوكو حرام", "boko_haram")]),
    ("وأعلنت جماعة نصرة الإسلام والمسلمين مسؤوليتها عن الهجوم على الجيش المالي",
     [("جماعة نصرة الإسلام والمسلمين", "jnim"), ("الجيش المالي", "military_forces_mali")]),
    ("سيطرت قوات حكومة الوفاق على مواقع لقوات حفتر جنوب طرابلس",
     [("قوات حكومة الوفاق", "military_forces_libya"), ("قوات حفتر", "libyan_national_army")]),
    ("وقالت قوات الأمن الفلسطينية إنها اعتقلت مطلوبين",
     [("قوات الأمن الفلسطينية", "police_forces_palestine")]),
    ("اعتقلت القوات الأمنية العراقية إرهابيين في كركوك",
     [("القوات الأمنية العراقية", "military_forces_iraq"), ("إرهابيين", "unidentified_armed_group")]),
    ("وأعلن جهاز مكافحة الإرهاب مقتل 5 من عناصر داعش",
     [("جهاز مكافحة الإرهاب", "iraq_counter_terrorism_service"), ("عناصر داعش", "islamic_state")]),
    ("وشنت الطائرات الأميركية غارة على مواقع لحركة طالبان",
     [("الطائرات الأميركية", "military_forces_united_states"), ("حركة طالبان", "taliban")]),
    ("وتصدت الدفاعات الجوية السعودية لصاروخ باليستي أطلقه الحوثيون",
     [("الدفاعات الجوية السعودية", "military_forces_saudi_arabia"), ("الحوثيون", "houthis")]),
    ("واقتحم المستوطنين قرية فلسطينية بحماية جيش الاحتلال",
     [("المستوطنين", "israeli_settlers"), ("جيش الاحتلال", "military_forces_israel")]),
    ("تبنى حزب العمال الكردستاني الهجوم على الجيش التركي",
     [("حزب العمال الكردستاني", "pkk"), ("الجيش التركي", "military_forces_turkey")]),
    ("وقصف طيران مجهول مواقع للحشد الشعبي في البوكمال",
     [("طيران مجهول", "unidentified_military_forces"), ("لحشد الشعبي", "pmf")]),
    ("وقالت قوات الأمن إن الجيش السوري الحر انسحب",
     [("قوات الأمن", "security_forces_generic"), ("الجيش السوري الحر", "free_syrian_army")]),
    ("اشتبكت البيشمركة مع تنظيم الدولة، وقال التحالف الدولي إنه قدم الدعم",
     [("البيشمركة", "peshmerga"), ("تنظيم الدولة", "islamic_state"),
      ("التحالف الدولي", "global_coalition_against_daesh")]),
    ("وأغار الطيران الحربي الإسرائيلي على مواقع لسرايا القدس وكتائب شهداء الأقصى",
     [("الطيران الحربي الإسرائيلي", "military_forces_israel"), ("سرايا القدس", "saraya_al_quds"),
      ("كتائب شهداء الأقصى", "al_aqsa_martyrs_brigades")]),
]


@pytest.mark.parametrize("sentence,expected", SENTENCES, ids=[str(i) for i in range(len(SENTENCES))])
def test_find_in_sentences(sentence: str, expected: list[tuple[str, str]]) -> None:
    found = ACTORS.find(sentence)
    for m in found:
        assert sentence[m.start:m.end] == m.text
    assert [(m.text, m.actors[0].id) for m in found] == expected


def test_clitics_stay_outside_the_span() -> None:
    text = "ووصلت تعزيزات لقوات الأسد وبالحوثيين وللجيش"
    found = ACTORS.find(text)
    # "لل" is ل + ال with the alef dropped: the span keeps the article's lam (the lexicon's convention)
    assert [m.text for m in found] == ["قوات الأسد", "الحوثيين", "لجيش"]
    assert all(text[m.start:m.end] == m.text for m in found)


def test_offsets_survive_diacritics_tatweel_and_presentation_forms() -> None:
    text = "هاجمَ تنظيمُ داعـــش القواتِ العراقيةَ"
    found = ACTORS.find(text)
    assert [m.actors[0].id for m in found] == ["islamic_state", "military_forces_iraq"]
    assert all(text[m.start:m.end] == m.text for m in found)
    assert found[0].text == "تنظيمُ داعـــش"


def test_a_specific_name_beats_a_generic_one_that_overlaps_it() -> None:
    # "قوات الأمن" (generic) overlaps "الأمن الفلسطيني" (specific) on the word "الأمن"
    found = ACTORS.find("انتشرت قوات الأمن الفلسطيني في نابلس")
    assert [m.actors[0].id for m in found] == ["police_forces_palestine"]


@pytest.mark.parametrize("text,expected", [
    ("هاجم مسلحو طالبان باكستان نقطة", ("مسلحو طالبان باكستان", "ttp")),      # not "مسلحو" + Taliban
    ("قاتلت قوات الجيش السوري الحر", ("قوات الجيش السوري الحر", "free_syrian_army")),
    ("انتشرت فصائل الحشد العشائري", ("فصائل الحشد العشائري", "tribal_mobilization_forces")),
    ("وقصفت مدفعية الجيش التركي", ("مدفعية الجيش التركي", "military_forces_turkey")),
    ("ولعناصر داعش في سيناء", ("عناصر داعش في سيناء", "islamic_state_sinai")),
    ("قتل مسلحي داعش", ("مسلحي داعش", "islamic_state")),
])
def test_head_words_join_the_name(text: str, expected: tuple[str, str]) -> None:
    found = ACTORS.find(text)
    assert [(m.text, m.actors[0].id) for m in found] == [expected]
    assert all(text[m.start:m.end] == m.text for m in found)


@pytest.mark.parametrize("text,expected", [
    ("قصفت طائرات حربية سورية وروسية البلدة",
     [("طائرات حربية سورية", "military_forces_syria"), ("روسية", "military_forces_russia")]),
    ("وقالت إن ضربات جوية روسية استهدفت طفس", [("ضربات جوية روسية", "military_forces_russia")]),
    ("بعد هجوم أميركي بريطاني فرنسي على أهداف", [("هجوم أميركي", "military_forces_united_states"),
                                                ("بريطاني", "military_forces_united_kingdom"),
                                                ("فرنسي", "military_forces_france")]),
    ("وبغارات إسرائيلية على غزة", [("غارات إسرائيلية", "military_forces_israel")]),
    ("وتقدمت القوات الروسية والسورية", [("القوات الروسية", "military_forces_russia"),
                                       ("السورية", "military_forces_syria")]),
    ("أطلق الحوثيون صواريخ إيرانية الصنع", [("الحوثيون", "houthis")]),     # made in Iran: not Iran's forces
    ("اشتبكت قوات سورية الديمقراطية", [("قوات سورية الديمقراطية", "sdf")]),  # a name, not a nationality
])
def test_nationality_adjectives_after_strike_nouns(text: str, expected: list[tuple[str, str]]) -> None:
    found = ACTORS.find(text)
    assert [(m.text, m.actors[0].id) for m in found] == expected
    assert all(text[m.start:m.end] == m.text for m in found)


def test_state_forces_of_a_country() -> None:
    assert ACTORS.military_of("IQ").id == "military_forces_iraq"
    assert ACTORS.military_of("LY").id == "military_forces_libya"
    assert ACTORS.police_of("SA").id == "police_forces_saudi_arabia"
    assert ACTORS.military_of("ZZ") is None


def test_no_generic_alias_swallows_the_head_of_a_specific_one() -> None:
    """For every multi-word alias whose last words are the first words of another actor's alias, the text
    that joins them must still yield the specific actor."""
    lex = ACTORS.lexicon()
    keys = {}
    for actor in ACTORS:
        for alias in actor.aliases_ar:
            keys.setdefault(phrase_key(alias), (alias, actor))
    by_first: dict[str, list[tuple[tuple[str, ...], str, Actor]]] = defaultdict(list)
    for key, (alias, actor) in keys.items():
        by_first[key[0]].append((key, alias, actor))
    failures = []
    for key_a, (alias_a, actor_a) in keys.items():
        if len(key_a) < 2:
            continue
        for k in range(1, len(key_a)):
            for key_b, alias_b, actor_b in by_first.get(key_a[k], ()):
                if key_b[:len(key_a) - k] != key_a[k:] or len(key_b) <= len(key_a) - k:
                    continue
                if actor_b.generic or actor_b.id == actor_a.id:
                    continue
                joined = alias_a + " " + " ".join(alias_b.split()[len(key_a) - k:])
                if lex.get(joined):
                    continue
                ids = [m.actors[0].id for m in ACTORS.find(joined)]
                if actor_b.id not in ids and actor_a.generic:
                    failures.append((joined, ids, actor_b.id))
    assert not failures, failures


def test_mentions_carry_the_actors() -> None:
    text = "قصف الجيش الإسرائيلي مواقع لحماس"
    mentions = ACTORS.mentions(text)
    assert [m.label for m in mentions] == ["ACTOR", "ACTOR"]
    assert mentions[0].value[0].id == "military_forces_israel"
    assert mentions[1].text == "حماس"
    assert all(text[m.start:m.end] == m.text for m in mentions)


def test_some_one_word_names_need_the_article() -> None:
    assert ACTORS.find("وفاز تحالف سائرون بالانتخابات") == []          # an electoral alliance, not the coalition
    assert ACTORS.find("قاد جيش من المتطوعين") == []
    assert [m.text for m in ACTORS.find("وللتحالف وبالجيش")] == ["لتحالف", "الجيش"]
    # names that are too generic to stand alone are not aliases at all
    assert ACTORS.find("ائتلاف الجبهة الديمقراطية الثورية الشعبية الإثيوبية") == []


def test_no_actor_in_unrelated_text() -> None:
    assert ACTORS.find("ارتفعت أسعار النفط في الأسواق العالمية اليوم") == []
    assert ACTORS.find("") == []


# ------------------------------------------------------------------------------------------ victims and sources

def test_victim_categories() -> None:
    victims = load_victim_categories()
    assert {c.id for c in victims} >= {"soldiers", "police", "security_forces", "militants", "civilians", "persons"}
    assert {c.side for c in victims} == {"state", "nonstate", "civilian", "unknown"}
    sides = {w: victims.lookup(w)[0].side for w in ("جنود", "عسكريين", "ضابط", "منتسب", "شرطي", "الشرطة",
                                                    "قوى الأمن", "عناصر الأمن", "حراس السجن", "مسلحين",
                                                    "عناصر التنظيم", "إرهابي", "دواعش", "مدنيين", "أطفال",
                                                    "امرأة", "صحفيين", "مسعف", "طبيب", "عمال", "شخص", "أشخاص")}
    assert sides["جنود"] == sides["شرطي"] == sides["حراس السجن"] == "state"
    assert sides["مسلحين"] == sides["دواعش"] == sides["عناصر التنظيم"] == "nonstate"
    assert sides["أطفال"] == sides["صحفيين"] == sides["عمال"] == "civilian"
    assert sides["شخص"] == sides["أشخاص"] == "unknown"
    text = "مقتل 11 جنديا و3 مدنيين وإصابة 4 أشخاص"
    found = victims.mentions(text)
    assert [(m.text, m.value.id) for m in found] == [("جنديا", "soldiers"), ("مدنيين", "civilians"),
                                                     ("أشخاص", "persons")]
    assert all(text[m.start:m.end] == m.text and m.label == "VICTIM" for m in found)
    # adjectives that look like victims are not listed: "مؤتمر صحفي", "مصدر عسكري", "الطيران المدني"
    assert victims.mentions("قال في مؤتمر صحفي إن مصدر عسكري أكد أن الطيران المدني توقف") == []


def test_sources() -> None:
    sources = load_sources()
    assert len(sources) >= 40
    cases = {"المرصد السوري لحقوق الإنسان": "sohr", "المرصد السوري": "sohr", "وكالة الأنباء العراقية": "ina",
             "واع": "ina", "خلية الإعلام الأمني": "iraq_security_media_cell", "سانا": "sana", "وكالة سبأ": "saba_sanaa",
             "الأناضول": "anadolu", "رويترز": "reuters", "فرانس برس": "afp", "أسوشيتد برس": "ap",
             "مصادر طبية": "medical_source", "مصدر أمني": "security_source", "شهود عيان": "eyewitnesses",
             "وزارة الصحة في غزة": "gaza_moh", "وزارة الصحة": "health_ministry", "أوتشا": "un_ocha"}
    for arabic, source_id in cases.items():
        assert [s.id for s in sources.lookup(arabic)] == [source_id], arabic
    text = "وقال المرصد السوري لحقوق الإنسان، ومصادر طبية لوكالة فرانس برس، إن 9 قتلوا"
    found = sources.mentions(text)
    assert [m.value.id for m in found] == ["sohr", "medical_source", "afp"]
    assert all(text[m.start:m.end] == m.text and m.label == "SOURCE" for m in found)


# ------------------------------------------------------------------------------------------ stats and bad input

def test_actor_stats() -> None:
    stats = actor_stats()
    assert stats.total == len(ACTORS) >= 150
    assert sum(n for _, n in stats.by_country) == stats.total
    assert sum(n for _, _, n in stats.by_type) == stats.total
    assert dict(stats.by_country)["IQ"] >= 10 and dict(stats.by_country)["SY"] >= 10
    assert [inter for _, inter, _ in stats.by_type] == sorted(inter for _, inter, _ in stats.by_type)
    report = stats.format()
    assert "state_forces" in report and "SY" in report


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_HEAD = "types: {state_forces: 1}\ncountries: {IQ: {name: Iraq}}\n"


@pytest.mark.parametrize("body,message", [
    ("actors: [[1, 2]", "not valid YAML"),
    ("- a\n- b\n", "mapping at the top level"),
    (GOOD_HEAD + "actors: []\n", "non-empty list"),
    (GOOD_HEAD + "actors: [{id: x, name_en: X, type: rebel, aliases_ar: [داعش]}]\n", "type 'rebel'"),
    (GOOD_HEAD + "actors: [{id: x, name_en: X, type: state_forces, aliases_ar: []}]\n", "non-empty list of phrases"),
    (GOOD_HEAD + "actors: [{id: x, name_en: X, type: state_forces, country: ZZ, aliases_ar: [الجيش]}]\n",
     "'ZZ' is not in `countries`"),
    (GOOD_HEAD + "actors: [{id: x, name_en: 'X ({country})', type: state_forces, aliases_ar: [الجيش]}]\n",
     "generic"),
    (GOOD_HEAD + "actors: [{id: x, name_en: X, type: state_forces, parent: y, aliases_ar: [الجيش]}]\n",
     "parent 'y'"),
    (GOOD_HEAD + "actors: [{id: x, name_en: X, type: state_forces, aliases_ar: [الجيش]},"
                 " {id: x, name_en: Y, type: state_forces, aliases_ar: [الشرطة]}]\n", "used twice"),
    (GOOD_HEAD + "actors: [{id: x, name_en: X, type: state_forces, colour: red, aliases_ar: [الجيش]}]\n",
     "unknown keys"),
])
def test_bad_actor_files_are_clear_errors(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(KnowledgeBaseError, match=re.escape(message)):
        parse_actors(_write(tmp_path, body))


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="file not found"):
        parse_actors(tmp_path / "nope.yaml")
    with pytest.raises(KnowledgeBaseError, match="side must be one of"):
        parse_victim_categories(_write(tmp_path, "categories: [{id: a, name_en: A, side: ours, words_ar: [جنود]}]"))
    with pytest.raises(KnowledgeBaseError, match="kind must be one of"):
        parse_sources(_write(tmp_path, "sources: [{id: a, name_en: A, kind: rumour, aliases_ar: [مصدر]}]"))


def test_loaders_are_cached() -> None:
    assert load_actors() is load_actors()
    assert load_victim_categories() is load_victim_categories()
    assert load_sources() is load_sources()
    assert ACTORS.lexicon() is ACTORS.lexicon()


def test_normalised_input_is_accepted() -> None:
    text = "هاجم داعش"
    assert ACTORS.find(normalise(text)) == ACTORS.find(text)
