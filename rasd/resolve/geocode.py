"""Where: choose and resolve the place of an event.

Same-name places are disambiguated by the article's other places and actors; the most specific place a
sentence gives wins ("بين قرى الطالعة وأم الكرامي غربي ناحية العظيم" → the subdistrict Al-Adhaim, the
villages kept by name); "ريف X" becomes X's governorate; "غربي X" keeps X with a lower precision.
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from rasd.events.analysis import Analysis
# imported once here, not in the functions that run for every mention (rasd bench, issue 8)
from rasd.kb.gazetteer import geo_precision, resolve_place, where_prec
from rasd.model import Mention
from rasd.recognise.places import focus_countries, indefinite_adjective_at
from rasd.text.normalise import fold

LEVEL_RANK = {"site": 0, "populated": 0, "admin3": 1, "admin2": 2, "admin1": 3, "country": 4}
SAME_PLACE_KM = 20.0
BARE_CITY_MIN_POPULATION = 50000
SECTION_OPENING_CHARS = 20     # "وفي محافظة الجوف، حررت …": a governorate that opens its line


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    place: object                 # rasd.kb.gazetteer.Place
    mention: Mention | None       # the mention it came from
    geo_precision: int            # ACLED: 1 town, 2 near/district, 3 governorate/country
    where_prec: int               # UCDP: 1 exact … 4 admin1, 6 country
    location_ar: str
    unknown_names: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.place.id

    @property
    def level(self) -> str:
        return self.place.level


@dataclass
class PlaceContext:
    countries: Counter
    admin1: Counter
    place_countries: Counter | None = None    # countries named by places only (not implied by actors)
    names_by_country: dict | None = None       # country → folded place names (and "actor:…") pointing to it
    mentions: tuple[Mention, ...] = ()         # the article's place mentions, in text order (anchors)
    text: str = ""                             # the article text (sentence ends between a name and its anchor)
    section_openers: tuple[Mention, ...] = ()  # typed governorates that open their line ("وفي محافظة الجوف، …")
    # ``_pick``'s answers by the id of the reference (an article's sentences, candidates and events ask again
    # for the same mentions: half the calls), and the admin1 counts by governorate name; the context is not
    # changed once made (rasd bench, issue 8); not init fields, so a context made by ``dataclasses.replace``
    # starts with none kept
    _picked: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _admin1_by_name: Counter | None = field(default=None, init=False, repr=False, compare=False)


def article_context(an: Analysis) -> PlaceContext:
    """Countries and governorates the article names unambiguously (places) or implies (actors)."""
    countries: Counter = Counter()
    admin1: Counter = Counter()
    names: dict[str, set[str]] = {}
    for m in an.places:
        cands = _dominant_reading(m.value.candidates)
        ccs = {c.country_code for c in cands}
        if len(ccs) == 1:
            countries[next(iter(ccs))] += 1
            names.setdefault(next(iter(ccs)), set()).add(fold(m.value.name))
            a1 = {c.admin1 for c in cands if c.admin1}
            if len(a1) == 1:
                admin1[(next(iter(ccs)), next(iter(a1)))] += 1
    place_countries = Counter(countries)
    for m in an.actors:
        cc = getattr(m.value, "country", None) or getattr(m.value, "home_country", None)
        if cc and len(cc) == 2:
            countries[cc] += 1
            names.setdefault(cc, set()).add("actor:" + m.text)
    text = an.article.text
    openers = tuple(m for m in an.places if m.value.typed_level == "admin1" and m.value.known
                    and (m.start <= SECTION_OPENING_CHARS
                         or "\n" in text[m.start - SECTION_OPENING_CHARS - 1:m.start]))
    return PlaceContext(countries, admin1, place_countries, names, tuple(an.places), text, openers)


HOMONYM_MAX_POPULATION = 50000


def _dominant_reading(cands) -> tuple:
    """The candidates of the one country a name points to when its other readings are only hamlets and small
    subdistricts abroad ("الحديدة": the Yemeni governorate and city, not a Syrian village), else all of them."""
    if len(cands) < 2:
        return tuple(cands)   # one country at most (most names): no grouping
    by_country: dict[str, list] = {}
    for c in cands:
        by_country.setdefault(c.country_code, []).append(c)
    if len(by_country) < 2:
        return tuple(cands)
    strong = [cc for cc, cs in by_country.items()
              if any(c.level in ("country", "admin1", "admin2") or c.population >= HOMONYM_MAX_POPULATION for c in cs)]
    if len(strong) != 1:
        return tuple(cands)
    return tuple(by_country[strong[0]])


def _pick(gazetteer, ref, ctx: PlaceContext):
    """The place ``ref`` means in this article (None: only foreign homonyms), kept in the context: the same
    reference asked again gets the same answer (the entry holds ``ref``, so its id is not reused meanwhile)."""
    kept = ctx._picked.get(id(ref))
    if kept is not None and kept[0] is ref and kept[1] is gazetteer:
        return kept[2]
    place = _pick_place(gazetteer, ref, ctx)
    ctx._picked[id(ref)] = (ref, gazetteer, place)
    return place


def _pick_place(gazetteer, ref, ctx: PlaceContext):
    cands = _local_readings(gazetteer, ref, ctx)
    if ref.typed_level is None and not ref.rural:
        meant = gazetteer.bare_name_means(ref.name)
        chosen = [c for c in cands if c.id == meant]
        if chosen:
            return chosen[0]           # bare "غزة" in conflict news is the Gaza Strip
    if ref.typed_level in ("admin1", "admin2", "admin3"):
        typed = [c for c in cands if c.level == ref.typed_level]
        if not typed and ref.typed_level == "admin3":
            typed = [c for c in cands if c.level in ("admin2", "populated")]
        if not typed and ref.typed_level == "admin1":
            typed = [c for c in cands if c.level == "admin2"]     # "محافظة نابلس": Palestine's governorates are admin2
        cands = typed or cands
    elif ref.typed_level == "populated" or ref.site:
        typed = [c for c in cands if c.level in ("populated", "site")]
        cands = typed or cands
    if not cands:
        return None
    if ref.typed_level is None and not ref.rural:
        # a bare name shared by a governorate and its capital city ("الرياض", "إدلب"): the city
        cities = [c for c in cands if c.level == "populated" and c.population >= BARE_CITY_MIN_POPULATION]
        units = [c for c in cands if c.level in ("admin1", "admin2")]
        if cities and units and {c.country_code for c in cities} & {u.country_code for u in units}:
            cands = cities + [c for c in cands if c not in cities and c not in units]
    admin1 = ctx._admin1_by_name
    if admin1 is None:
        admin1 = ctx._admin1_by_name = Counter({k[1]: v for k, v in ctx.admin1.items()})
    return resolve_place(cands, ctx.countries, admin1)


def _local_readings(gazetteer, ref, ctx: PlaceContext) -> list:
    """The candidates without foreign homonyms: when the article's other places and actors point only to other
    countries, a small place abroad (Maghar in Israel for "حي المغار" in Derna), a place in a country far from
    the focus countries (Tema, Ghana) or a unit of another level than the type word asks for (Hiiraan, a
    Somali region, for "مديرية حيران") is the same name as an unknown local place, not that place. After a site
    word or a district type word ("مطار الريان", "منطقة خبر المراقشة") any place abroad is such a homonym."""
    cands = list(ref.candidates)
    limit = gazetteer.foreign_homonym_max_population
    if not limit or not cands:
        return cands
    if ctx.names_by_country is None:
        return cands
    own = {c.country_code for c in cands}
    me = fold(ref.name)
    # other names (every mention of this one name aside) pointing to each country
    support = {cc: n - {me} for cc, n in ctx.names_by_country.items()}
    # only places can say the article is elsewhere: an Israeli actor does not make "مخيم جنين" a homonym
    if not any(not n.startswith("actor:") for cc, ns in support.items() if cc not in own for n in ns):
        return cands                                         # no other country to prefer

    def homonym(c) -> bool:
        if support.get(c.country_code) or c.level == "country" or c.id.startswith("x:"):
            return False          # named otherwise, a country, or a hand-curated place the news names
        if c.level == "admin1":      # a region abroad the type word does not ask for, or far from the focus
            return bool(ref.site) or ref.typed_level not in (None, "admin1") or c.country_code not in focus_countries()
        if ref.site or ref.typed_level in ("admin2", "admin3"):
            return True     # "مطار الريان" in Mukalla, "حقل الرميلة" in Basra: a local feature, whatever the size abroad
        return c.population < limit or (c.country_code not in focus_countries()
                                        and c.population < gazetteer.foreign_homonym_far_max_population)
    kept = [c for c in cands if not homonym(c)]
    return kept


def _named_by_ner(gazetteer, ref):
    """A place the NER tagger found where the gazetteer lexicon held back (a name that is also a common word,
    "واشنطن", "الساحل الغربي"): the tagger vouches for it being a place, so look its name up."""
    from dataclasses import replace

    from rasd.recognise.places import is_place_word
    name = ref.name.strip()
    if is_place_word(name):
        return ref                # "المدينة" (the town just named) is not Medina
    found = gazetteer.lookup(name)
    if not found and len(name) > 3 and name[0] in "وبلف":
        found = gazetteer.lookup(name[1:])
    return replace(ref, candidates=tuple(found)) if found else ref


def resolve_mentions(gazetteer, places: list[Mention], ctx: PlaceContext,
                     country_hint: str | None = None) -> ResolvedPlace | None:
    """The most specific place among ``places`` (one sentence or one event), consistent with the others."""
    picked: list[tuple[object, Mention]] = []
    unknown: list[Mention] = []
    for m in places:
        ref = m.value
        if not ref.known and ref.typed_level is None:
            ref = _named_by_ner(gazetteer, ref)
            if ref.known and ctx.text and indefinite_adjective_at(ctx.text, m.start, m.end, gazetteer):
                continue      # the tagger's "سورية" in "مطارات سورية عدة": an adjective, no place
        if not ref.known:
            unknown.append(m)
            continue
        p = _pick(gazetteer, ref, ctx)
        if p is None:
            unknown.append(m)        # only foreign homonyms: keep the name, as for an unknown village
            continue
        if ref.rural and p.level != "admin1":
            unit = gazetteer.admin_unit(p.country_code, p.admin1)
            p = unit or p
        picked.append((p, m))
    if country_hint:
        same = [(p, m) for p, m in picked if p.country_code == country_hint]
        picked = same or picked
    if not picked:
        return _fallback(gazetteer, unknown, ctx) if unknown else None
    # majority country among the sentence's places, then the most specific place in it (one place, most often:
    # its own country, without a Counter; rasd bench, issue 8)
    if country_hint or len(picked) == 1:
        cc = picked[0][0].country_code
    else:
        cc = Counter(p.country_code for p, _ in picked).most_common(1)[0][0]
    in_country = [(p, m) for p, m in picked if p.country_code == cc]
    # in_country keeps the order of ``places`` and min keeps the first of equal keys, so the earliest of the
    # most specific places wins without places.index in the key (a scan per pair: quadratic, B3)
    best, mention = min(in_country, key=lambda pm: LEVEL_RANK.get(pm[0].level, 5))
    precision = geo_precision(best)
    wprec = where_prec(best)
    ref = mention.value
    if ref.direction or ref.rural:
        precision = min(3, precision + 1) if best.level in ("populated", "site") else precision
        wprec = min(6, wprec + 1)
    names = tuple(m.text for m in unknown)
    if names:
        precision = max(precision, 2)
    location_ar = "، ".join(names + (mention.text,)) if names else mention.text
    return ResolvedPlace(best, mention, precision, wprec, location_ar, names)


ANCHOR_AFTER_CHARS = 80        # "قرى الطالعة وأم الكرامي غربي ناحية العظيم": the unit named just after
ANCHOR_BEFORE_CHARS = 160      # "في مديرية صرواح … بقرية X": the unit named earlier in the sentence
SENTENCE_END = frozenset(".!?؟؛\n")


def _fallback(gazetteer, unknown: list[Mention], ctx: PlaceContext) -> ResolvedPlace | None:
    """A place the gazetteer lacks (a village, front, mountain, valley) falls back to the nearest known unit the
    text gives for it, with reduced precision, its own name kept in ``location_ar``: the unit named right after
    it in the sentence ("قرية X في مديرية Y", "جبهة X شمال Y", "X التابعة لـ Y", "X بريف Y"), else the one named
    before it in the sentence, else the article's clearly dominant governorate (precision 3)."""
    from rasd.kb.gazetteer import where_prec
    from rasd.recognise.places import could_be_unknown_place, is_common_noun, is_place_word, opened_by_village_word
    # a front or site word before it vouches for a name that is also a kind word ("جبهة المفرق", a junction front;
    # "#قاع_الحقل"); a village word for a frequent name joined to the first ("بلدتا الفوعة وكفريا")
    unknown = [m for m in unknown if could_be_unknown_place(m.value.name) or _after_unit_word(ctx.text, m)
               or getattr(m.value, "listed", False) or opened_by_village_word(ctx.text, m.value)
               or (m.value.site and is_place_word(m.value.name) and not is_common_noun(m.value.name))]
    if not unknown:
        return None           # "المدينة", "الأحياء الغربية", "منطقة تضم": words, not an unknown place
    first = unknown[0]
    names = tuple(m.text for m in unknown)
    anchor = _anchor_in_sentence(gazetteer, first, ctx)
    if anchor is not None:
        place, mention = anchor
        if getattr(first.value, "listed", False) and place.level not in ("admin1", "country"):
            # "من حمورية وحزة والنشابية": listed with a town, not in it: the town's governorate
            place = gazetteer.admin_unit(place.country_code, place.admin1) or place
        precision = 3 if place.level == "admin1" else 2
        wprec = max(2, where_prec(place))
        return ResolvedPlace(place, mention, precision, wprec, "، ".join(names + (mention.text,)), names)
    if all(m.value.typed_level is None and not m.value.site for m in unknown):
        return None           # a name only the tagger found, with no unit in its sentence, is as often a place
        # abroad ("فرساي", "سد إليسو", "جبال طوروس") as a local one: no governorate of the article for it
    unit = _section_governorate(gazetteer, ctx, first) or _dominant_governorate(gazetteer, ctx, unknown)
    if unit is None:
        return None
    return ResolvedPlace(unit, None, 3, max(4, where_prec(unit)), "، ".join(names), names)


COORDINATED = re.compile(r"^[\s،,]*و\s*(?:\S+\s+)?$")     # "مدينة نوى وبلدة الشيخ سعد": X و[type word] Y


UNIT_WORDS = frozenset({"مديريه", "ناحيه", "قضاء", "عزله", "قريه", "بلده"})


def _after_unit_word(text: str, m: Mention) -> bool:
    """"مديرية برط", "قرية X": an administrative or village word right before vouches for a short or frequent name."""
    from rasd.text.normalise import fold
    before = text[max(0, m.start - 12):m.start].split()
    if not before or not text[:m.start].endswith((" ", "\u00a0")):
        return False
    word = fold(before[-1])
    from rasd.recognise.places import name_shaped, vouching_unit_words
    units = UNIT_WORDS | vouching_unit_words()
    if word not in units and not (word[:1] in "وبفل" and word[1:] in units):
        return False
    return word in UNIT_WORDS or word[1:] in UNIT_WORDS or name_shaped(fold(m.value.name))   # not "بلدات جنوبية"


def _anchor_in_sentence(gazetteer, m: Mention, ctx: PlaceContext):
    text = ctx.text
    if not text:
        return None
    # a name joined by و to a known place just before it is its sibling: that place's governorate
    prev = [k for k in ctx.mentions if k.end <= m.start and m.start - k.end <= 16]
    if prev and COORDINATED.match(text[prev[-1].end:m.start]):
        k = prev[-1]
        ref = k.value
        p = _pick(gazetteer, ref, ctx) if ref.known else None
        if p is not None and p.level not in ("country", "admin1"):
            unit = gazetteer.admin_unit(p.country_code, p.admin1)
            if unit is not None:
                return unit, k
    after = [k for k in ctx.mentions if k.start >= m.end and k.start - m.end <= ANCHOR_AFTER_CHARS]
    before = [k for k in reversed(ctx.mentions) if k.end <= m.start and m.start - k.end <= ANCHOR_BEFORE_CHARS]
    if _passing(text, m):
        before = []           # "إلى مقر إقامته بمدينة المرج، مروراً بمنطقة سيدي خليفة": on the way, not in Al Marj
    home = _home_country(ctx, m)
    for group, gap in ((after, lambda k: text[m.end:k.start]), (before, lambda k: text[k.end:m.start])):
        for k in group:
            if SENTENCE_END & set(gap(k)):
                break
            ref = k.value
            if not ref.known and ref.typed_level is None:
                ref = _named_by_ner(gazetteer, ref)
            if not ref.known:
                continue
            p = _pick(gazetteer, ref, ctx)
            if p is None or p.level == "country":
                continue        # another unknown name, or only a country: no nearer unit here
            if home and p.country_code != home and not (group is after and _tied_after(text, m, k)):
                continue        # "مطار التيفور العسكري السوري وواشنطن تنفي": a unit abroad the text does not tie
                # the name to is no anchor for a place in a focus-country article
            if _motion_target(text, k):
                continue        # "صواريخ من جبل هيلان باتجاه مدينة مأرب", "متجهة إلى المرج مروراً بسيدي خليفة":
                # a target or destination does not contain the place
            if group is before and ref.direction:
                described = _described_before(gazetteer, ctx, k)
                if described is not None:
                    return described     # "مديرية ناطع شرق البيضاء … منطقة اعشار": the district, not the town
                    # its direction word places it by
            if ref.rural and p.level != "admin1":
                p = gazetteer.admin_unit(p.country_code, p.admin1) or p
            return p, k
    return None


def _motion_target(text: str, k: Mention) -> bool:
    """Whether the unit is named as a target or destination ("باتجاه مدينة مأرب", "إلى المرج", "نحو صنعاء"):
    the word before it (or its context words) is a motion word (``motion_words`` in place_context.yaml), not
    "التابعة إلى" (attachment)."""
    from rasd.recognise.places import motion_words, type_words
    from rasd.text.normalise import fold
    words = fold(text[max(0, k.start - 40):k.start]).split()
    while words and len(words) > 1 and words[-1] in type_words():
        words.pop()           # "باتجاه مدينة مأرب": the type words between (a capture word, "نحو تحرير مديرية
        # كتاف", is no type word: that is the front's own unit)
    if not words:
        return False
    last = words[-1]
    if last not in motion_words() and not (last[:1] == "و" and last[1:] in motion_words()):
        return False
    return not (len(words) > 1 and words[-2] in ("التابعه", "التابع", "تابعه", "تابع", "المنتميه"))


def _passing(text: str, m: Mention) -> bool:
    """"مروراً بمنطقة X": a passing word (``passing_words``) right before the name or its context words."""
    from rasd.recognise.places import passing_words
    from rasd.text.normalise import fold
    start = m.value.context_start if getattr(m.value, "context_start", None) is not None else m.start
    words = fold(text[max(0, min(start, m.start) - 30):min(start, m.start)]).split()
    # the passing word, or it and one type word ("مروراً بمنطقة X", where the tagger's span leaves out "بمنطقة")
    return any(w in passing_words() for w in words[-2:])


def _described_before(gazetteer, ctx: PlaceContext, k: Mention):
    """"مديرية ناطع شرق البيضاء": a unit right before a direction phrase is the one that phrase describes; a
    name later in the sentence belongs to it, not to the town the direction word places it by."""
    start = k.value.context_start if getattr(k.value, "context_start", None) is not None else k.start
    prev = [j for j in ctx.mentions if j.end <= start and not ctx.text[j.end:start].strip(" \u00a0،,")]
    if not prev:
        return None
    j = prev[-1]
    if not j.value.known or j.value.typed_level not in ("admin1", "admin2", "admin3"):
        return None
    p = _pick(gazetteer, j.value, ctx)
    if p is None or p.level == "country":
        return None
    return p, j


TIE_WORDS = frozenset({"في", "ب", "قرب", "من", "عند", "داخل", "بمحافظه", "بمدينه", "لمحافظه", "لمدينه", "التابعه",
                       "التابع", "بريف", "بولايه", "بمنطقه"})


def _home_country(ctx: PlaceContext, m: Mention) -> str | None:
    """The focus country most of the article's other place names point to (more than to any other), if any;
    the name itself does not count ("جبهة المفرق … محافظة تعز": Mafraq, Jordan says nothing)."""
    from rasd.recognise.places import focus_countries
    from rasd.text.normalise import fold
    me = fold(m.value.name)
    counts = Counter({cc: len([n for n in names if n != me and not n.startswith("actor:")])
                      for cc, names in (ctx.names_by_country or {}).items()})
    top = [t for t in counts.most_common(2) if t[1]]
    if not top or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    return top[0][0] if top[0][0] in focus_countries() else None


def _tied_after(text: str, m: Mention, k: Mention) -> bool:
    """Whether the text ties a name to the unit named right after it: nothing but its context words between
    ("قرية X غربي Y"), a locative word ("X في Y", "X التابعة لمحافظة Y"), or a clitic ب/ل on the unit ("X بحلب")."""
    from rasd.text.normalise import fold
    start = k.value.context_start if getattr(k.value, "context_start", None) is not None else k.start
    start = max(m.end, min(start, k.start))
    gap = fold(text[m.end:start]).split()
    if not gap:
        return True
    if gap[-1] in TIE_WORDS:
        return True
    return len(gap) == 1 and gap[0] in ("ب", "ل")


def _section_governorate(gazetteer, ctx: PlaceContext, m: Mention):
    """The governorate a line opening with it last named before the mention ("وفي محافظة الجوف، …"): a report
    on two fronts turns to the second that way, so "جبل القاهرة" two lines after "وفي محافظة الجوف" is in Al Jawf,
    not in the Hajjah of the first lines. A governorate named inside a line ("التابعة لمحافظة ذمار") opens no
    section: a name after it may still belong to the article's main front."""
    i = bisect.bisect_right([k.end for k in ctx.section_openers], m.start)
    if i == 0:
        return None
    k = ctx.section_openers[i - 1]
    p = _pick(gazetteer, k.value, ctx)
    if p is None or p.level != "admin1":
        return None
    countries = (ctx.place_countries or ctx.countries).most_common(1)
    return p if not countries or countries[0][0] == p.country_code else None


def _dominant_governorate(gazetteer, ctx: PlaceContext, unknown: list[Mention]):
    """The governorate the article's other names point to clearly most (at least twice, more than any other),
    if any; the unknown names themselves do not count (two mentions of "حي المغار" are not Mgarr, Malta)."""
    from rasd.text.normalise import fold
    skip = {fold(m.value.name) for m in unknown}
    admin1: Counter = Counter()
    for k in ctx.mentions:
        if fold(k.value.name) in skip:
            continue
        cands = _dominant_reading(k.value.candidates)
        if len({c.country_code for c in cands}) == 1 and len({c.admin1 for c in cands if c.admin1}) == 1 \
                and all(c.admin1 for c in cands):
            admin1[(cands[0].country_code, cands[0].admin1)] += 1
    top = admin1.most_common(2)
    if not top or top[0][1] < 2 or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    (cc, a1), _ = top[0]
    countries = (ctx.place_countries or ctx.countries).most_common(1)
    if countries and countries[0][0] != cc:
        return None           # a governorate abroad is no fallback for a place in the article's country
    return gazetteer.admin_unit(cc, a1)


def places_overlap(a: ResolvedPlace, b: ResolvedPlace) -> bool:
    """Could two resolved places be the same event's place? Same unit, one containing the other, or close."""
    pa, pb = a.place, b.place
    if pa.id == pb.id:
        return True
    if pa.country_code != pb.country_code:
        return False
    ra, rb = LEVEL_RANK.get(pa.level, 5), LEVEL_RANK.get(pb.level, 5)
    coarse, fine = (pa, pb) if ra > rb else (pb, pa)
    if coarse.level == "country":
        return True
    if coarse.level == "admin1" and coarse.admin1 == fine.admin1:
        return True
    if coarse.level == "admin2" and coarse.admin2 and coarse.admin2 == fine.admin2:
        return True
    return km(pa.latitude, pa.longitude, pb.latitude, pb.longitude) <= SAME_PLACE_KM


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(min(1.0, h)))
