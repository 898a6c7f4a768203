"""The gazetteer: places with Arabic names, coordinates and admin hierarchy, and the rules that find them.

The data is ``rasd/kb/data/gazetteer.tsv.gz``, built by ``scripts/build_gazetteer.py`` from GeoNames,
OpenSyria, two Iraqi datasets, Natural Earth and a hand-curated supplement; the word lists that steer matching
(place-type words, names that are also common words) are ``rasd/kb/data/place_stopwords.yaml``.

    gaz = load_gazetteer()
    gaz.lookup("طرابلس")                       # every Tripoli, admin units and big places first
    gaz.find_places("قتل 3 في ناحية العظيم بمحافظة ديالى")   # PlaceMatch spans with candidates
    resolve_place(candidates, Counter({"LB": 2}), Counter())  # the Lebanese one
"""
from __future__ import annotations

import gzip
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources

import yaml

from rasd.recognise.lexicon import PhraseLexicon, phrase_key
from rasd.text.normalise import NormalisedText, fold, normalise
from rasd.text.tokens import clitic_readings, tokenize

LEVELS = ("country", "admin1", "admin2", "admin3", "populated", "site")
LEVEL_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}
ARTEFACT = "gazetteer.tsv.gz"
STOPWORDS = "place_stopwords.yaml"
COMMON_WORDS = "gazetteer_common_words.tsv"
FORMAT_VERSION = "1"
COLUMNS = ("id", "level", "country_code", "admin1", "admin2", "admin3", "name_en", "name_ar", "aliases_ar",
           "latitude", "longitude", "population", "parent_id")


class GazetteerError(Exception):
    """The gazetteer artefact is missing or malformed; rebuild it with scripts/build_gazetteer.py."""


@dataclass(frozen=True, slots=True)
class Place:
    id: str                      # "gn:98717", "osy:sy-al-hasakah", "iq:diyala/al-khalis", "x:…", "cc:IQ"
    name_en: str
    name_ar: str                 # "" when the sources give no Arabic name
    aliases_ar: tuple[str, ...]
    country_code: str            # ISO 3166-1 alpha-2
    country: str                 # English country name
    admin1: str | None           # English names, None when not applicable
    admin2: str | None
    admin3: str | None
    level: str                   # one of LEVELS
    latitude: float
    longitude: float
    population: int
    parent_id: str               # "" for a country

    @property
    def names_ar(self) -> tuple[str, ...]:
        return ((self.name_ar,) if self.name_ar else ()) + self.aliases_ar


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A place name found in a text. Offsets are into the original text; ``start`` includes the place-type word
    when there is one ("ناحية العظيم"), ``name_start`` is where the name itself begins."""
    start: int
    end: int
    text: str
    name_start: int
    candidates: tuple[Place, ...]    # ranked; for "ريف X" the governorates of X
    type_word: str | None            # folded place-type word before the name, if any
    rural: bool                      # "ريف X": somewhere in the countryside of X
    ambiguous: bool                  # the name is also a common word (kept because a type word or context backs it)

    geo_precision: int               # ACLED precision of the mention: "ريف إدلب" 3, "ريف البوكمال" 2

    def original_text(self, original: str) -> str:
        return original[self.name_start:self.end]

@dataclass(frozen=True, slots=True)
class _Rules:
    ambiguous: frozenset[str]         # folded keys of names that are also common words
    type_words: dict[str, str]        # folded key → level (or "rural")
    never: frozenset[str]
    country_adjectives: dict[str, str]    # folded key → ISO2
    rescue: frozenset[str]            # type words that make an ambiguous name count
    reviewed: frozenset[str] = frozenset()        # folded keys a reviewer confirmed as places
    home_countries: frozenset[str] = frozenset()  # outside these, GeoNames hamlets need context (foreign_hamlets)
    hamlet_max_population: int = 0
    bare_name_means: dict[str, str] | None = None   # folded key → place id a bare mention of it means
    phrase_means: tuple[tuple[str, str], ...] = ()  # (phrase, place id): lexicon entries the sources lack
    foreign_homonym_max_population: int = 0
    foreign_homonym_far_max_population: int = 0


def geo_precision(place: Place) -> int:
    """ACLED geo_precision: 1 town or site, 2 district/subdistrict (or near a town), 3 governorate or country."""
    return _GEO_PRECISION.get(place.level, 3)


def where_prec(place: Place) -> int:
    """UCDP where_prec: 1 exact place, 2 within ~25 km (subdistrict), 3 admin2, 4 admin1, 6 country."""
    return _WHERE_PREC.get(place.level, 6)


_GEO_PRECISION = {"populated": 1, "site": 1, "admin3": 2, "admin2": 2}
_WHERE_PREC = {"populated": 1, "site": 1, "admin3": 2, "admin2": 3, "admin1": 4}


@lru_cache(maxsize=65536)
def _key(name: str) -> str:
    return " ".join(phrase_key(name))


def _en_key(name: str | None) -> str:
    """English admin names compare case- and punctuation-blind: "Salah ad-Din" = "salah ad din"."""
    return " ".join("".join(c if c.isalnum() else " " for c in (name or "").casefold()).split())


def _rank(place: Place) -> tuple[float, int]:
    """Admin levels first, then bigger places; a city of a million ranks with governorates and one of 100,000
    with districts, so "الرياض" is Riyadh before an Egyptian markaz of that name."""
    rank: float = LEVEL_RANK[place.level]
    if place.level == "populated":
        rank = 1.5 if place.population >= 1_000_000 else 2.5 if place.population >= 100_000 else rank
    return rank, -place.population


def resolve_place(candidates: list[Place] | tuple[Place, ...], context_countries: Counter[str],
                  context_admin1: Counter[str]) -> Place:
    """Pick one of several same-name places using the article's other places: a candidate in a governorate or
    country the article names wins; then the higher admin level; then the bigger population.

    An admin unit named after its seat yields to the seat: when the winner is a governorate or district and a
    town of the same name lies in it, the town is returned ("دوما" is the town of Douma, not the centroid of
    Douma district 100 km out in the desert), as ACLED codes it. Typed mentions ("محافظة إدلب") reach here with
    the admin units only, so they keep their level.
    """
    if not candidates:
        raise ValueError("resolve_place needs at least one candidate place")

    # "ريف دمشق" names both the governorate and a district in it: the governorate being a candidate is why the
    # context holds that governorate, so it gives the district no edge over the governorate
    named_admin1 = {(c.country_code, c.admin1) for c in candidates if c.level == "admin1"}

    def score(p: Place) -> tuple[int, int, float, int]:
        in_admin1 = context_admin1.get(p.admin1, 0) if p.admin1 and p.level != "admin1" \
            and (p.country_code, p.admin1) not in named_admin1 else 0
        rank, neg_pop = _rank(p)
        return min(in_admin1, 1), min(context_countries.get(p.country_code, 0), 1), -rank, -neg_pop
    best = max(candidates, key=score)
    if best.level in ("admin1", "admin2", "admin3"):
        seats = [c for c in candidates if c.level == "populated" and c.country_code == best.country_code
                 and c.admin1 == best.admin1]
        if seats:
            return max(seats, key=lambda c: c.population)
    return best


class Gazetteer:
    def __init__(self, places: Iterable[Place], rules: _Rules) -> None:
        self.places: tuple[Place, ...] = tuple(places)
        self._rules = rules
        self._by_id = {p.id: p for p in self.places}

    # The name and admin-path indexes fold every name: built on first use so that loading stays fast.
    @cached_property
    def _by_key(self) -> dict[str, list[Place]]:
        index: dict[str, list[Place]] = defaultdict(list)
        for p in self.places:
            for n in p.names_ar:
                k = _key(n)
                if k and p not in index[k]:
                    index[k].append(p)
        for lst in index.values():
            lst.sort(key=_rank)
        return dict(index)

    @cached_property
    def _units(self) -> dict[tuple[str, ...], Place]:
        units: dict[tuple[str, ...], Place] = {}
        for p in self.places:
            if p.level in ("admin1", "admin2", "admin3"):
                path = (p.country_code, *(_en_key(x) for x in (p.admin1, p.admin2, p.admin3)[:LEVEL_RANK[p.level]]))
                cur = units.get(path)
                if cur is None or _rank(p) < _rank(cur):     # duplicates across sources: keep the bigger one
                    units[path] = p
        return units

    def __len__(self) -> int:
        return len(self.places)

    def by_id(self, place_id: str) -> Place | None:
        return self._by_id.get(place_id)

    def country(self, code: str) -> Place:
        place = self._by_id.get(f"cc:{code.upper()}")
        if place is None:
            raise KeyError(f"no country {code!r} in the gazetteer (ISO 3166-1 alpha-2 expected, e.g. 'IQ')")
        return place

    def parent(self, place: Place) -> Place | None:
        return self._by_id.get(place.parent_id)

    def governorate(self, place: Place) -> Place | None:
        """The admin1 unit a place lies in (the place itself when it is one)."""
        p: Place | None = place
        while p is not None and p.level not in ("admin1", "country"):
            p = self._by_id.get(p.parent_id)
        return p if p is not None and p.level == "admin1" else None

    def lookup(self, arabic_name: str, level: str | None = None, country: str | None = None) -> list[Place]:
        """Places called ``arabic_name`` (any spelling that folds the same), admin levels and big places first."""
        if level is not None and level not in LEVEL_RANK:
            raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
        found = self._by_key.get(_key(arabic_name), [])
        return [p for p in found if (level is None or p.level == level)
                and (country is None or p.country_code == country.upper())]

    def lookup_typed(self, phrase: str) -> list[Place]:
        """Like ``lookup`` but honours a leading place-type word: "محافظة X" → admin1, "قضاء X" → admin2,
        "ناحية X" → admin3, "مدينة X" → populated, "ريف X" → the governorate of X."""
        words = phrase_key(phrase)
        if len(words) > 1 and words[0] in self._rules.type_words:
            return self._typed(self.lookup(" ".join(phrase.split()[1:])), self._rules.type_words[words[0]])
        return self.lookup(phrase)

    def _typed(self, candidates: list[Place], level: str) -> list[Place]:
        if level == "rural":
            govs: list[Place] = []
            for c in candidates:
                g = self.governorate(c)
                if g is not None and g not in govs:
                    govs.append(g)
            return govs
        wanted = {"admin1": ("admin1",), "admin2": ("admin2", "admin3"), "admin3": ("admin3", "admin2"),
                  "populated": ("populated", "site"), "site": ("site", "populated")}[level]
        typed = sorted((c for c in candidates if c.level in wanted), key=lambda c: (wanted.index(c.level),
                                                                                      -c.population))
        return typed or candidates

    def admin_unit(self, country_code: str, admin1: str | None, admin2: str | None = None,
                   admin3: str | None = None) -> Place | None:
        """The deepest known admin unit on the path (English names), to fall back from an unknown village."""
        best: Place | None = None
        path: tuple[str, ...] = (country_code.upper(),)
        for name in (admin1, admin2, admin3):
            if not name:
                break
            path = path + (_en_key(name),)
            unit = self._units.get(path)
            if unit is None:
                break
            best = unit
        return best

    def is_country_adjective(self, name: str, places) -> bool:
        """True when ``name`` is a country's nisba adjective (``country_adjectives``) that the lexicon matched as
        the country by dropping its article: "الحكومة السورية", "الأراضي السورية" ("السورية" is ال + "سورية", an
        alias of Syria) describe something Syrian and name no place. "السعودية", the country's own name, stays."""
        if _key(name) not in self._rules.country_adjectives or not places \
                or any(p.level != "country" for p in places):
            return False
        surface = fold(name.strip())        # with its article: "السوريه", not the key "سوريه"
        return all(surface not in {fold(p.name_ar), *(fold(a) for a in p.aliases_ar)} for p in places)

    def indefinite_adjective_form(self, name: str) -> str | None:
        """"feminine" for "سورية", "masculine" for "سوريا" (accusative), when ``name`` is the indefinite form of
        a country adjective (``country_adjectives``, "السورية"/"السوري"); else None. Whether it is the adjective
        or the country depends on the word before it (``rasd.recognise.places``)."""
        return self._indefinite_adjective_forms.get(fold(name.strip()))

    @cached_property
    def _indefinite_adjective_forms(self) -> dict[str, str]:
        """The indefinite spellings of every country adjective: stem + ه "feminine", stem + ا "masculine", the
        first adjective's reading kept where two share a spelling, as a loop over ``country_adjectives`` in
        order finds it. One probe per country name instead of that loop (a fifth of the place rules' checks
        on a name; rasd bench, issue 8)."""
        forms: dict[str, str] = {}
        for key in self._rules.country_adjectives:
            stem = key[:-1] if key.endswith("ه") else key
            forms.setdefault(stem + "ه", "feminine")
            forms.setdefault(stem + "ا", "masculine")
        return forms

    def is_ambiguous_common_word(self, name: str) -> bool:
        """True for names that are also everyday words (or too short to trust) and so need a place-type word
        or their governorate nearby to count. So are names held only by GeoNames hamlets outside the home
        countries (a Persian village called "قوم" is no reason to read "قوم" as a place)."""
        k = _key(name)
        if k in self._rules.ambiguous or len(k.replace(" ", "")) <= 2:
            return True
        rules = self._rules
        if rules.hamlet_max_population and k not in rules.reviewed:
            places = self._by_key.get(k)
            return bool(places) and all(p.id.startswith("gn:") and p.level == "populated"
                                        and p.country_code not in rules.home_countries
                                        and p.population < rules.hamlet_max_population for p in places)
        return False

    @cache
    def lexicon(self) -> PhraseLexicon[Place]:
        """Every Arabic name and alias, for the recogniser (words in ``never_places`` are left out)."""
        lex: PhraseLexicon[Place] = PhraseLexicon()
        for p in self.places:
            for n in p.names_ar:
                if _key(n) not in self._rules.never and not self._type_word_alias(p, n):
                    lex.add(n, p)
        for phrase, pid in self._rules.phrase_means:
            place = self.by_id(pid)
            if place is None:
                raise GazetteerError(f"{STOPWORDS}: phrase_means {phrase!r} names unknown place {pid}")
            lex.add(phrase, place)
        return lex

    def _type_word_alias(self, place: Place, name: str) -> bool:
        """An admin unit's alias that is a town's name after a town type word ("مدينة إدلب" for Idlib district):
        left out, so the type word reads as such and the mention goes to the town."""
        if place.level not in ("admin1", "admin2", "admin3"):
            return False
        head, _, rest = name.partition(" ")
        if not rest or self._rules.type_words.get(_key(head)) != "populated":
            return False
        return any(c.level == "populated" and c.country_code == place.country_code and c.admin1 == place.admin1
                   for c in self._by_key.get(_key(rest), ()))

    def bare_name_means(self, name: str) -> str | None:
        """The place id a bare mention of ``name`` means in conflict news (``bare_name_means`` rule), if any."""
        return (self._rules.bare_name_means or {}).get(_key(name))

    @property
    def foreign_homonym_max_population(self) -> int:
        return self._rules.foreign_homonym_max_population

    @property
    def foreign_homonym_far_max_population(self) -> int:
        """The same limit for places outside the focus countries (Tema, Ghana; not Rome)."""
        return self._rules.foreign_homonym_far_max_population

    def find_places(self, text: str | NormalisedText) -> list[PlaceMatch]:
        """Place names in a text with the matching rules applied: place-type words narrow the level, "ريف X"
        becomes X's governorate, and common-word names count only after a type word or near their governorate."""
        norm = text if isinstance(text, NormalisedText) else normalise(text)
        tokens = tokenize(norm.text)
        raw = self.lexicon().find(norm, tokens)
        type_words = self._rules.type_words
        starts = {m.token_start for m in raw}
        out: list[tuple[PlaceMatch, bool, bool]] = []     # (match, doubtful, rescued by its type word)
        for m in raw:
            keys = {k for _, k in clitic_readings(tokens[m.token_start].text)}
            if m.token_end - m.token_start == 1 and keys & type_words.keys() and m.token_end in starts:
                continue                            # "مدينة" in "مدينة الموصل" is the type word, not a place
            type_word = None
            start = m.start
            if m.token_start > 0:
                prev = tokens[m.token_start - 1]
                gap = norm.text[prev.end:tokens[m.token_start].start]
                hit = [k for _, k in clitic_readings(prev.text) if k in type_words]
                if hit and not gap.strip(" \u00a0"):
                    type_word = hit[0]
                    start = norm.span_to_original(prev.start, prev.end)[0]
                    start += _clitic_len(prev.text, type_word)
            cands = list(m.payloads)
            cands.sort(key=_rank)
            rural = type_word is not None and type_words[type_word] == "rural"
            if type_word is not None:
                named_admin1 = any(c.level == "admin1" for c in cands)
                cands = self._typed(cands, type_words[type_word])
            if rural:
                precision = 3 if named_admin1 else 2
            else:
                precision = geo_precision(cands[0]) if cands else 3
            if m.token_end < len(tokens):
                adj_country = self._rules.country_adjectives.get(_key(tokens[m.token_end].text))
                pinned = [c for c in cands if adj_country and c.country_code == adj_country]
                if pinned:
                    cands = pinned
                    if not rural:
                        precision = geo_precision(cands[0])
            name = norm.original[m.start:m.end]
            ambiguous = self.is_ambiguous_common_word(name)
            # a type word rescues a common-word name only in construct with it: "ناحية العظيم", not "سجن بالبلاد"
            rescued = (type_word in self._rules.rescue
                       and norm.span_to_original(tokens[m.token_start].start, tokens[m.token_start].end)[0]
                       == m.start)
            pm = PlaceMatch(start, m.end, norm.original[start:m.end], m.start, tuple(cands), type_word, rural,
                            ambiguous, precision)
            out.append((pm, ambiguous and not rescued, rescued))
        # Context comes from names that are places beyond doubt, so one doubtful name cannot back another.
        sure = [pm for pm, _, rescued in out if not pm.ambiguous or rescued]
        context_admin1 = {c.admin1 for pm in sure for c in pm.candidates if c.admin1}
        context_country = {c.country_code for pm in sure for c in pm.candidates}
        kept: list[PlaceMatch] = []
        for pm, doubtful, _ in out:
            if doubtful:
                backed = [c for c in pm.candidates if (c.level != "admin1" and c.admin1 in context_admin1)
                          or (c.level == "admin1" and c.country_code in context_country)]
                if not backed:
                    continue
                pm = PlaceMatch(pm.name_start, pm.end, pm.original_text(norm.original), pm.name_start,
                                tuple(backed), None, False, True, geo_precision(backed[0]))
            if pm.candidates:
                kept.append(pm)
        return kept


def _clitic_len(folded_word: str, type_key: str) -> int:
    """How many leading letters of "وبمحافظة" are clitics before the type word "محافظه"."""
    for prefix_len, key in clitic_readings(folded_word):
        if key == type_key:
            return prefix_len
    return 0


def _float(s: str, what: str, line_no: int) -> float:
    try:
        return float(s)
    except ValueError:
        raise GazetteerError(f"{ARTEFACT} line {line_no}: bad {what} {s!r}; rebuild with "
                             "scripts/build_gazetteer.py") from None


def _read_rows() -> Iterable[tuple[int, list[str]]]:
    try:
        raw = resources.files("rasd.kb").joinpath("data", ARTEFACT).read_bytes()
    except FileNotFoundError:
        raise GazetteerError(f"rasd/kb/data/{ARTEFACT} is missing; build it with scripts/build_gazetteer.py") \
            from None
    lines = gzip.decompress(raw).decode("utf-8").split("\n")
    header_seen = False
    for i, line in enumerate(lines, start=1):
        if not line or line.startswith("#"):
            if line.startswith("# format:") and line.split()[2].rstrip(";") != FORMAT_VERSION:
                raise GazetteerError(f"{ARTEFACT} has format {line.split()[2]}, this rasd reads "
                                     f"{FORMAT_VERSION}; rebuild it")
            continue
        fields = line.split("\t")
        if not header_seen:
            if tuple(fields) != COLUMNS:
                raise GazetteerError(f"{ARTEFACT}: unexpected columns {fields}")
            header_seen = True
            continue
        if len(fields) != len(COLUMNS):
            raise GazetteerError(f"{ARTEFACT} line {i}: {len(fields)} fields, expected {len(COLUMNS)}")
        yield i, fields


@cache
def load_rules() -> _Rules:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(resources.files("rasd.kb").joinpath("data", STOPWORDS).read_text(encoding="utf-8"),
                     Loader=loader)
    common = resources.files("rasd.kb").joinpath("data", COMMON_WORDS).read_text(encoding="utf-8")
    generated = [line.split("\t")[0] for line in common.splitlines()[1:]
                 if line and not line.startswith("#") and not line.startswith("name\t")]
    # towns a reviewer confirmed the news names as places, whatever the generated counts say (the hand-made
    # ambiguous_names still wins over this list)
    reviewed = {_key(n) for n in data.get("reviewed_places") or ()}
    hamlets = data.get("foreign_hamlets") or {}
    return _Rules(ambiguous=frozenset({_key(n) for n in generated} - reviewed)
                  | frozenset(_key(n) for n in data["ambiguous_names"]),
                  type_words={_key(k): v for k, v in data["place_type_words"].items()},
                  never=frozenset(_key(n) for n in data["never_places"]),
                  country_adjectives={_key(a): cc for cc, adjs in data["country_adjectives"].items()
                                      for a in adjs},
                  rescue=frozenset(_key(w) for w in data["rescue_type_words"]),
                  reviewed=frozenset(reviewed),
                  home_countries=frozenset(hamlets.get("home_countries") or ()),
                  hamlet_max_population=int(hamlets.get("max_population") or 0),
                  bare_name_means={_key(n): pid for n, pid in (data.get("bare_name_means") or {}).items()},
                  phrase_means=tuple((n, pid) for n, pid in (data.get("phrase_means") or {}).items()),
                  foreign_homonym_max_population=int((data.get("foreign_homonyms") or {}).get("max_population")
                                                     or 0),
                  foreign_homonym_far_max_population=int((data.get("foreign_homonyms") or {})
                                                         .get("far_max_population") or 0))


@cache
def load_gazetteer() -> Gazetteer:
    """The packaged gazetteer, loaded once."""
    rows = list(_read_rows())
    countries = {f[2]: f[6] for _, f in rows if f[1] == "country"}
    places = []
    for i, (pid, level, cc, a1, a2, a3, en, ar, aliases, lat, lon, pop, parent) in rows:
        if level not in LEVEL_RANK:
            raise GazetteerError(f"{ARTEFACT} line {i}: unknown level {level!r}")
        places.append(Place(pid, en, ar, tuple(aliases.split("|")) if aliases else (), cc, countries.get(cc, cc),
                            a1 or None, a2 or None, a3 or None, level, _float(lat, "latitude", i),
                            _float(lon, "longitude", i), int(pop or 0), parent))
    return Gazetteer(places, load_rules())   # rules fold a few hundred words: cheap
