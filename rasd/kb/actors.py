"""The actor dictionary: who acts, the names the Arabic press gives them, and their ACLED names and codes.

Three data files, loaded once each:

* ``data/actors.yaml`` — actors (state forces and their units, coalitions, armed groups, generic actors such
  as "Civilians ({country})") with Arabic aliases, ACLED-style English names, type → ACLED ``inter`` code,
  country and home country;
* ``data/victims.yaml`` — victim categories for fatality breakdowns (soldiers, police, militants,
  civilians …), each on a side: ``state``, ``nonstate``, ``civilian`` or ``unknown``;
* ``data/sources.yaml`` — who reports (agencies, observatories, "a security source"), for attribution.

Matching goes through :class:`rasd.recognise.lexicon.PhraseLexicon`, so clitics ("وداعش", "لتنظيم داعش",
"بقوات سوريا الديمقراطية") and the article are handled there, and offsets point into the original text.
``ActorDictionary.find`` adds what a bare lexicon cannot: head words that join a name ("عناصر داعش"),
names that count only with the article ("التحالف", not "تحالف"), a specific name winning over a generic
one it overlaps, and nationality adjectives after strike nouns ("غارات سورية وروسية").

    actors = load_actors()
    for m in actors.find(text):                       # ActorMatch(start, end, text, actors)
        actor = actors.disambiguate(m.actors, "YE")   # "التحالف" in Yemen → Saudi-led Coalition
        actors.english_name(actor, "YE")              # generic templates filled: "Civilians (Yemen)"
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rasd.model import Mention
from rasd.recognise.lexicon import PhraseLexicon, PhraseMatch, drop_overlaps, index_keys, phrase_key, token_readings
from rasd.text.normalise import NormalisedText, fold, normalise
from rasd.text.tokens import Token, clitic_readings, strip_article, tokenize

DATA_DIR = Path(__file__).parent / "data"
ACTORS_FILE = DATA_DIR / "actors.yaml"
VICTIMS_FILE = DATA_DIR / "victims.yaml"
SOURCES_FILE = DATA_DIR / "sources.yaml"

COUNTRY_PLACEHOLDER = "{country}"
VICTIM_SIDES = ("state", "nonstate", "civilian", "unknown")


class KnowledgeBaseError(ValueError):
    """A knowledge-base data file is malformed; the message names the file, the entry and the fix."""


# ---------------------------------------------------------------------------------------------- types

@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name_en: str                    # ACLED-style; a template with "{country}" when ``generic``
    aliases_ar: tuple[str, ...]
    type: str                       # state_forces, rebel_group, … (see actors.yaml ``types``)
    inter: int                      # ACLED inter code 1–8, derived from ``type``
    country: str | None             # ISO2 the actor belongs to or mainly fights in
    home_country: str | None        # ISO2 of the state whose forces these are
    generic: bool                   # the English name is filled from the event's country
    parent: str | None              # id of the organisation this unit or faction belongs to
    wikidata: str | None
    theatres: tuple[str, ...] = ()  # where an ambiguous alias most likely means this actor


@dataclass(frozen=True, slots=True)
class CountryName:
    code: str
    name: str                       # ACLED's English name
    the: bool                       # ACLED writes "Military Forces of the United States"
    aliases: tuple[str, ...] = ()   # other English names: "Palestinian Territory" (GeoNames) → Palestine


@dataclass(frozen=True, slots=True)
class StateAdjectives:
    """Folded matching keys of nationality adjectives and the nouns and modifiers they follow."""
    by_key: dict[str, str]                  # "روسيه" → "RU"
    nouns: frozenset[str] | tuple[str, ...]
    modifiers: frozenset[str] | tuple[str, ...]
    blockers: frozenset[str] | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActorMatch:
    """An actor name found in a text: offsets into the original text and the actors it may mean."""
    start: int
    end: int
    text: str
    actors: tuple[Actor, ...]       # most likely first; more than one when the alias is ambiguous

    @property
    def ambiguous(self) -> bool:
        return len(self.actors) > 1

    def to_mention(self) -> Mention:
        return Mention(self.start, self.end, "ACTOR", self.text, self.actors)


@dataclass(frozen=True, slots=True)
class VictimCategory:
    id: str
    name_en: str
    side: str                       # state | nonstate | civilian | unknown
    words_ar: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name_en: str
    aliases_ar: tuple[str, ...]
    kind: str = "other"             # agency | monitor | official | anonymous | ngo | media | other


@dataclass(frozen=True, slots=True)
class ActorStats:
    total: int
    generic: int
    by_country: tuple[tuple[str, int], ...]          # country code (or "multinational"/"generic"), count
    by_type: tuple[tuple[str, int, int], ...]        # type, inter code, count
    by_country_type: tuple[tuple[str, str, int], ...]

    def format(self) -> str:
        lines = [f"actors: {self.total} ({self.generic} generic)", "", "by type:"]
        lines += [f"  {inter}  {t:<18} {n:>4}" for t, inter, n in self.by_type]
        lines += ["", "by country:"]
        lines += [f"  {c:<14} {n:>4}" for c, n in self.by_country]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- loading

def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe, C when built
    except FileNotFoundError as exc:
        raise KnowledgeBaseError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{path}: expected a mapping at the top level")
    return data


def _phrases(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise KnowledgeBaseError(f"{path}: {where}: expected a non-empty list of phrases")
    out: list[str] = []
    for phrase in value:
        if not isinstance(phrase, str) or not phrase.strip():
            raise KnowledgeBaseError(f"{path}: {where}: every phrase must be a non-empty string, got {phrase!r}")
        out.append(unicodedata.normalize("NFC", phrase.strip()))
    return tuple(out)


_ACTOR_KEYS = {"id", "name_en", "type", "country", "home_country", "generic", "parent", "wikidata", "theatres",
               "aliases_ar"}


def _parse_actor(path: Path, row: Any, types: dict[str, int], countries: dict[str, CountryName]) -> Actor:
    if not isinstance(row, dict):
        raise KnowledgeBaseError(f"{path}: every actor must be a mapping, got {row!r}")
    ident = row.get("id")
    if not isinstance(ident, str) or not ident:
        raise KnowledgeBaseError(f"{path}: an actor has no id: {row!r}")
    unknown = set(row) - _ACTOR_KEYS
    if unknown:
        raise KnowledgeBaseError(f"{path}: actor {ident}: unknown keys {sorted(unknown)}")
    name = row.get("name_en")
    if not isinstance(name, str) or not name:
        raise KnowledgeBaseError(f"{path}: actor {ident}: name_en is missing")
    kind = row.get("type")
    if kind not in types:
        raise KnowledgeBaseError(f"{path}: actor {ident}: type {kind!r} is not one of {sorted(types)}")
    generic = bool(row.get("generic", False))
    if generic != (COUNTRY_PLACEHOLDER in name):
        raise KnowledgeBaseError(f"{path}: actor {ident}: a generic actor's name_en must contain "
                                 f"{COUNTRY_PLACEHOLDER!r} and only a generic one may")
    country = row.get("country")
    home = row.get("home_country", country if kind == "state_forces" else None)
    theatres = tuple(row.get("theatres") or ())
    for field_name, code in (("country", country), ("home_country", home)) + tuple(("theatres", c) for c in theatres):
        if code is not None and code not in countries:
            raise KnowledgeBaseError(f"{path}: actor {ident}: {field_name} {code!r} is not in `countries`")
    if generic and country is not None:
        raise KnowledgeBaseError(f"{path}: actor {ident}: a generic actor takes its country from the event")
    return Actor(id=ident, name_en=name, aliases_ar=_phrases(path, f"actor {ident}", row.get("aliases_ar")),
                 type=kind, inter=types[kind], country=country, home_country=home, generic=generic,
                 parent=row.get("parent"), wikidata=row.get("wikidata"), theatres=theatres)


class ActorDictionary:
    """All actors, looked up by id or by Arabic name. Build with :func:`load_actors`."""

    def __init__(self, actors: Iterable[Actor], countries: dict[str, CountryName],
                 ambiguous: dict[str, tuple[str, ...]], version: str = "",
                 head_words: Iterable[str] = (), article_required: Iterable[str] = (),
                 demonyms: StateAdjectives | None = None) -> None:
        self.version = version
        self.head_words: tuple[str, ...] = tuple(head_words)
        self.article_required: frozenset[tuple[str, ...]] = frozenset(phrase_key(a) for a in article_required)
        self.actors: tuple[Actor, ...] = tuple(actors)
        self.countries = dict(countries)
        self._by_id: dict[str, Actor] = {}
        for actor in self.actors:
            if actor.id in self._by_id:
                raise KnowledgeBaseError(f"actor id {actor.id!r} is used twice")
            self._by_id[actor.id] = actor
        for actor in self.actors:
            if actor.parent is not None and actor.parent not in self._by_id:
                raise KnowledgeBaseError(f"actor {actor.id}: parent {actor.parent!r} is not an actor id")
        self.ambiguous: dict[str, tuple[Actor, ...]] = {}
        for alias, ids in ambiguous.items():
            missing = [i for i in ids if i not in self._by_id]
            if missing:
                raise KnowledgeBaseError(f"ambiguous alias {alias!r}: unknown actor ids {missing}")
            self.ambiguous[alias] = tuple(self._by_id[i] for i in ids)
        self._country_by_name = {n.lower(): c for c in self.countries.values() for n in (c.name, *c.aliases)}
        self._lexicon: PhraseLexicon[Actor] | None = None
        self._heads: frozenset[str] | None = None
        self.demonyms = demonyms or StateAdjectives({}, (), (), ())

    def __len__(self) -> int:
        return len(self.actors)

    def __iter__(self) -> Iterator[Actor]:
        return iter(self.actors)

    def by_id(self, actor_id: str) -> Actor:
        try:
            return self._by_id[actor_id]
        except KeyError:
            raise KeyError(f"no actor with id {actor_id!r} in actors.yaml") from None

    def lexicon(self) -> PhraseLexicon[Actor]:
        """Every alias → its actor(s); ambiguous aliases carry their actors, most likely first."""
        if self._lexicon is None:
            entries: list[tuple[str, Actor]] = [(alias, a) for a in self.actors for alias in a.aliases_ar]
            entries += [(alias, a) for alias, actors in self.ambiguous.items() for a in actors]
            self._lexicon = PhraseLexicon(entries)
        return self._lexicon

    def lookup(self, arabic: str) -> list[Actor]:
        """The actors an exact name (clitics and article aside) may mean: "داعش", "والحوثيين" …"""
        found = self.lexicon().get(arabic)
        if found:
            return found
        # a name written with a proclitic ("لتنظيم داعش", "والحوثيين") is still the whole name
        matches = self.find(arabic)
        if len(matches) == 1 and not arabic[matches[0].end:].strip() and len(arabic[:matches[0].start].strip()) <= 3:
            return list(matches[0].actors)
        return []

    def find(self, text: str | NormalisedText, tokens: list[Token] | None = None) -> list[ActorMatch]:
        """Actor names in a text, left to right, without overlaps.

        Overlaps go to the longer name, not counting a head word it starts with ("قوات الاحتلال" is shorter
        than "الاحتلال الإسرائيلي"); at equal length a specific actor beats a generic one, so
        "قوات الأمن الفلسطيني" is the Palestinian police, not a generic "قوات الأمن" plus a stray word.
        A head word right before a name ("عناصر داعش", "ومسلحو طالبان باكستان") joins the mention.
        ``tokens``: ``tokenize(text.text)`` when the caller has it already (the pipeline does).
        """
        if not text:
            return []
        norm = text if isinstance(text, NormalisedText) else normalise(text)
        if tokens is None:
            tokens = tokenize(norm.text)
        raw = [m for m in self.lexicon().find(norm, tokens, longest_only=False)
               if not self._lacks_required_article(tokens, m)]
        heads = self._head_keys()

        def core_length(m: PhraseMatch[Actor]) -> int:
            # "قوات الاحتلال" is one name word after a head word: it must not beat "الاحتلال الإسرائيلي"
            n = m.token_end - m.token_start
            if n > 1 and any(key in heads for _, key in clitic_readings(tokens[m.token_start].text)):
                return n - 1
            return n

        kept = drop_overlaps(raw, rank=lambda m: (-core_length(m), -(m.token_end - m.token_start),
                                                  _generic_rank(m), m.token_start))
        kept = self._attach_head_words(norm, tokens, kept)
        kept += self._nationality_matches(norm, tokens, kept)
        kept.sort(key=lambda m: m.token_start)
        return [ActorMatch(m.start, m.end, norm.original[m.start:m.end], m.payloads) for m in kept]

    def _attach_head_words(self, norm: NormalisedText, tokens: list[Token],
                           matches: list[PhraseMatch[Actor]]) -> list[PhraseMatch[Actor]]:
        """Extend a match over the head word before it; a one-word generic match on that word gives way."""
        heads = self._head_keys()
        by_end = {m.token_end: m for m in matches}
        out: list[PhraseMatch[Actor]] = []
        for m in matches:
            i = m.token_start - 1
            before = by_end.get(m.token_start)
            absorbable = before is None or (before.token_end - before.token_start == 1
                                            and all(a.generic for a in before.payloads))
            if i < 0 or not absorbable or norm.text[tokens[i].end:tokens[m.token_start].start].strip(" \u00a0"):
                out.append(m)
                continue
            prefix = next((p for p, key in clitic_readings(tokens[i].text) if key in heads), None)
            if prefix is None:
                out.append(m)
                continue
            if before is not None:
                out = [x for x in out if x is not before]
            start, _ = norm.span_to_original(tokens[i].start + prefix, tokens[i].end)
            out.append(PhraseMatch(start, m.end, i, m.token_end, m.payloads))
        return out

    def _nationality_matches(self, norm: NormalisedText, tokens: list[Token],
                             kept: list[PhraseMatch[Actor]]) -> list[PhraseMatch[Actor]]:
        """"ضربات جوية روسية" / "طائرات حربية سورية وروسية": strike or force noun, modifiers, nationalities.

        Also continues a listed name that ends in a nationality: "الطائرات الروسية والسورية".
        """
        adj = self.demonyms
        if not adj.by_key:
            return []
        taken = {t for m in kept for t in range(m.token_start, m.token_end)}

        def joined(a: int, b: int) -> bool:
            return not norm.text[tokens[a].end:tokens[b].start].strip(" \u00a0")

        def nationalities(k: int, first_needs_no_clitic: bool) -> tuple[list[tuple[int, int, Actor]], int]:
            found: list[tuple[int, int, Actor]] = []      # token, clitic prefix, actor
            while k < len(tokens) and k not in taken and joined(k - 1, k):
                reading = next(((p, adj.by_key[key]) for p, key in clitic_readings(tokens[k].text)
                                if key in adj.by_key and (p == 0 or found or not first_needs_no_clitic)), None)
                actor = self.military_of(reading[1]) if reading else None
                if actor is None:
                    break
                found.append((k, reading[0], actor))
                k += 1
            if found and k < len(tokens) and joined(k - 1, k) and strip_article(tokens[k].text) in adj.blockers:
                found = []
            return found, k

        out: list[PhraseMatch[Actor]] = []
        for m in kept:
            if strip_article(tokens[m.token_end - 1].text) in adj.by_key:
                found, _ = nationalities(m.token_end, first_needs_no_clitic=False)
                for k_tok, prefix, actor in found:
                    s_orig, e_orig = norm.span_to_original(tokens[k_tok].start + prefix, tokens[k_tok].end)
                    out.append(PhraseMatch(s_orig, e_orig, k_tok, k_tok + 1, (actor,)))
                    taken.add(k_tok)
        # the tokens with a strike or force noun among their readings (the first such reading counts), from
        # the lexicon's index of this token list instead of every token's readings (rasd bench, issue 8)
        index_keys(adj.nouns)                            # so that readings.by_key holds them
        readings = token_readings(tokens)
        noun_at: dict[int, tuple[int, int]] = {}        # token → (reading rank, clitic prefix)
        for key in readings.by_key.keys() & adj.nouns:
            for word, rank, prefix in readings.by_key[key]:
                for t in readings.positions[word]:
                    if t not in noun_at or rank < noun_at[t][0]:
                        noun_at[t] = (rank, prefix)
        i = 0
        for noun_tok in sorted(noun_at):
            if noun_tok < i or noun_tok in taken:
                continue
            i = noun_tok
            noun_prefix = noun_at[i][1]
            j = i + 1
            while j < len(tokens) and j - i <= 3 and j not in taken and joined(j - 1, j) \
                    and strip_article(tokens[j].text) in adj.modifiers:
                j += 1
            found, k = nationalities(j, first_needs_no_clitic=True)
            for n, (k_tok, prefix, actor) in enumerate(found):
                first = i if n == 0 else k_tok
                start_off = tokens[i].start + noun_prefix if n == 0 else tokens[k_tok].start + prefix
                s_orig, e_orig = norm.span_to_original(start_off, tokens[k_tok].end)
                out.append(PhraseMatch(s_orig, e_orig, first, k_tok + 1, (actor,)))
            i = k if found else i + 1
        return out

    def military_of(self, country: str) -> Actor | None:
        """The "Military Forces of …" actor of a country (ISO2), or None when the dictionary has none."""
        return self._state_forces(country, "Military Forces of")

    def police_of(self, country: str) -> Actor | None:
        return self._state_forces(country, "Police Forces of")

    def _state_forces(self, country: str, prefix: str) -> Actor | None:
        for actor in self.actors:
            if (actor.type == "state_forces" and not actor.generic and actor.parent is None
                    and actor.home_country == country and actor.name_en.startswith(prefix)):
                return actor
        return None

    def _lacks_required_article(self, tokens: list[Token], m: PhraseMatch[Actor]) -> bool:
        """"تحالف" or "جيش" written without the article is not the coalition or the army."""
        if m.token_end - m.token_start != 1 or not self.article_required:
            return False
        word = tokens[m.token_start].text
        if not any((key,) in self.article_required for _, key in clitic_readings(word)):
            return False
        return _ARTICLE_AFTER_CLITICS.match(word) is None

    def _head_keys(self) -> frozenset[str]:
        if self._heads is None:
            self._heads = frozenset(strip_article(fold(h)) for h in self.head_words)
        return self._heads

    def mentions(self, text: str | NormalisedText) -> list[Mention]:
        """``find`` as ``Mention(label="ACTOR", value=tuple of actors)``."""
        return [m.to_mention() for m in self.find(text)]

    def disambiguate(self, actors: Iterable[Actor], country: str | None = None) -> Actor | None:
        """Pick one actor of an ambiguous match: the one fighting in ``country`` (ISO2) if any, else the first."""
        candidates = list(actors)
        if not candidates:
            return None
        if country:
            country = country.upper()
            for actor in candidates:
                if country in actor.theatres or country in (actor.country, actor.home_country):
                    return actor
        return candidates[0]

    def acting_abroad(self, actor: Actor, event_country: str | None) -> bool:
        """A state's (or coalition's) forces acting outside their home country: ACLED's older scheme codes
        them as external forces (inter 8); ``Actor.inter`` stays 1 and the pipeline chooses."""
        home = self.root(actor).home_country
        return bool(home and event_country and home != event_country.upper())

    def root(self, actor: Actor) -> Actor:
        """The top of the actor's parent chain (a unit's army, a faction's umbrella)."""
        seen = {actor.id}
        while actor.parent is not None and actor.parent not in seen:
            actor = self._by_id[actor.parent]
            seen.add(actor.id)
        return actor

    def country(self, code_or_name: str | None) -> CountryName | None:
        if not code_or_name:
            return None
        return self.countries.get(code_or_name.upper()) or self._country_by_name.get(code_or_name.lower())

    def english_name(self, actor: Actor, country_name: str | None = None, top_level: bool = False) -> str:
        """The ACLED name; a generic actor's template is filled with the event's country.

        ``country_name`` is an ISO2 code or an English country name. ACLED writes "Military Forces of the
        United States" but "Civilians (United States)". Without a country a generic actor's name drops the
        country part ("Unidentified Armed Group"). ``top_level`` names the parent organisation instead of
        the unit (ACLED codes most state-force units under their state).
        """
        if top_level:
            actor = self.root(actor)
        if not actor.generic:
            return actor.name_en
        template = actor.name_en
        if not country_name:
            return template.replace(f" ({COUNTRY_PLACEHOLDER})", "").replace(f" of {COUNTRY_PLACEHOLDER}", "")
        known = self.country(country_name)
        name = known.name if known else country_name.strip()
        if known and known.the:
            template = template.replace(f"of {COUNTRY_PLACEHOLDER}", f"of the {COUNTRY_PLACEHOLDER}")
        return template.replace(COUNTRY_PLACEHOLDER, name)


# a folded word that carries the article after its proclitics: "الجيش", "وبالجيش", "للجيش", "فللجيش"
_ARTICLE_AFTER_CLITICS = re.compile(r"^[وف]?(?:[بك]?ال|لل)")


def _generic_rank(match: PhraseMatch[Actor]) -> int:
    return 1 if all(a.generic for a in match.payloads) else 0


def parse_actors(path: Path) -> ActorDictionary:
    data = _read_yaml(path)
    types = data.get("types")
    if not isinstance(types, dict) or not all(isinstance(v, int) and 1 <= v <= 8 for v in types.values()):
        raise KnowledgeBaseError(f"{path}: `types` must map each type to an ACLED inter code 1–8")
    countries: dict[str, CountryName] = {}
    for code, row in (data.get("countries") or {}).items():
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            raise KnowledgeBaseError(f"{path}: country {code}: expected {{name: …, the: bool}}")
        countries[code] = CountryName(code, row["name"], bool(row.get("the", False)),
                                      tuple(str(a) for a in row.get("aliases") or ()))
    rows = data.get("actors")
    if not isinstance(rows, list) or not rows:
        raise KnowledgeBaseError(f"{path}: `actors` must be a non-empty list")
    actors = [_parse_actor(path, row, types, countries) for row in rows]
    ambiguous: dict[str, tuple[str, ...]] = {}
    for row in data.get("ambiguous") or []:
        if not isinstance(row, dict) or not isinstance(row.get("alias"), str) or not row.get("actors"):
            raise KnowledgeBaseError(f"{path}: ambiguous entries are {{alias: …, actors: [ids]}}, got {row!r}")
        ambiguous[unicodedata.normalize("NFC", row["alias"].strip())] = tuple(row["actors"])
    try:
        required = data.get("article_required") or []
        if not isinstance(required, list) or not all(isinstance(w, str) and len(w.split()) == 1 for w in required):
            raise KnowledgeBaseError("`article_required` must be a list of one-word aliases")
        demonyms = _parse_demonyms(path, data, countries)
        heads = data.get("head_words") or []
        if not isinstance(heads, list) or not all(isinstance(h, str) and h.strip() for h in heads):
            raise KnowledgeBaseError("`head_words` must be a list of words")
        return ActorDictionary(actors, countries, ambiguous, version=str(data.get("version", "")),
                               head_words=[unicodedata.normalize("NFC", h.strip()) for h in heads],
                               article_required=[unicodedata.normalize("NFC", w) for w in required],
                               demonyms=demonyms)
    except KnowledgeBaseError as exc:
        raise KnowledgeBaseError(f"{path}: {exc}") from None


def _parse_demonyms(path: Path, data: dict[str, Any], countries: dict[str, CountryName]) -> StateAdjectives:
    def keys(field: str) -> frozenset[str]:
        words = data.get(field) or []
        if not isinstance(words, list) or not all(isinstance(w, str) and len(w.split()) == 1 for w in words):
            raise KnowledgeBaseError(f"{path}: `{field}` must be a list of single words")
        return frozenset(strip_article(fold(unicodedata.normalize("NFC", w))) for w in words)

    by_key: dict[str, str] = {}
    for code, words in (data.get("demonyms") or {}).items():
        if code not in countries:
            raise KnowledgeBaseError(f"{path}: demonyms: {code!r} is not in `countries`")
        for word in words or []:
            by_key[strip_article(fold(unicodedata.normalize("NFC", str(word))))] = code
    return StateAdjectives(by_key, keys("military_nouns"), keys("military_modifiers"), keys("demonym_blockers"))


@cache
def load_actors(path: str | None = None) -> ActorDictionary:
    """The actor dictionary (cached): ``load_actors().find(text)``, ``.lookup("داعش")``, ``.by_id(…)``."""
    return parse_actors(Path(path) if path else ACTORS_FILE)


# ---------------------------------------------------------------------------------------------- victims

class VictimCategories:
    """Victim categories ("جنود" → soldiers, state side). Build with :func:`load_victim_categories`."""

    def __init__(self, categories: Iterable[VictimCategory], version: str = "") -> None:
        self.version = version
        self.categories: tuple[VictimCategory, ...] = tuple(categories)
        self._by_id = {c.id: c for c in self.categories}
        if len(self._by_id) != len(self.categories):
            raise KnowledgeBaseError("victim category ids must be unique")
        self._lexicon: PhraseLexicon[VictimCategory] | None = None

    def __len__(self) -> int:
        return len(self.categories)

    def __iter__(self) -> Iterator[VictimCategory]:
        return iter(self.categories)

    def by_id(self, category_id: str) -> VictimCategory:
        try:
            return self._by_id[category_id]
        except KeyError:
            raise KeyError(f"no victim category {category_id!r} in victims.yaml") from None

    def lexicon(self) -> PhraseLexicon[VictimCategory]:
        if self._lexicon is None:
            self._lexicon = PhraseLexicon((w, c) for c in self.categories for w in c.words_ar)
        return self._lexicon

    def lookup(self, arabic: str) -> list[VictimCategory]:
        return self.lexicon().get(arabic)

    def mentions(self, text: str | NormalisedText) -> list[Mention]:
        norm = text if isinstance(text, NormalisedText) else normalise(text)
        return [Mention(m.start, m.end, "VICTIM", norm.original[m.start:m.end], m.payloads[0])
                for m in self.lexicon().find(norm)]


def parse_victim_categories(path: Path) -> VictimCategories:
    data = _read_yaml(path)
    out: list[VictimCategory] = []
    for row in data.get("categories") or []:
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not isinstance(row.get("name_en"), str):
            raise KnowledgeBaseError(f"{path}: a category needs id and name_en: {row!r}")
        if row.get("side") not in VICTIM_SIDES:
            raise KnowledgeBaseError(f"{path}: category {row['id']}: side must be one of {VICTIM_SIDES}")
        out.append(VictimCategory(row["id"], row["name_en"], row["side"],
                                  _phrases(path, f"category {row['id']}", row.get("words_ar"))))
    if not out:
        raise KnowledgeBaseError(f"{path}: `categories` must be a non-empty list")
    return VictimCategories(out, version=str(data.get("version", "")))


@cache
def load_victim_categories(path: str | None = None) -> VictimCategories:
    return parse_victim_categories(Path(path) if path else VICTIMS_FILE)


# ---------------------------------------------------------------------------------------------- sources

SOURCE_KINDS = ("agency", "monitor", "official", "anonymous", "ngo", "media", "other")


class Sources:
    """Who reports: news agencies, monitors, officials, anonymous sources. Build with :func:`load_sources`."""

    def __init__(self, sources: Iterable[Source], version: str = "") -> None:
        self.version = version
        self.sources: tuple[Source, ...] = tuple(sources)
        self._by_id = {s.id: s for s in self.sources}
        if len(self._by_id) != len(self.sources):
            raise KnowledgeBaseError("source ids must be unique")
        self._lexicon: PhraseLexicon[Source] | None = None

    def __len__(self) -> int:
        return len(self.sources)

    def __iter__(self) -> Iterator[Source]:
        return iter(self.sources)

    def by_id(self, source_id: str) -> Source:
        try:
            return self._by_id[source_id]
        except KeyError:
            raise KeyError(f"no source {source_id!r} in sources.yaml") from None

    def lexicon(self) -> PhraseLexicon[Source]:
        if self._lexicon is None:
            self._lexicon = PhraseLexicon((a, s) for s in self.sources for a in s.aliases_ar)
        return self._lexicon

    def lookup(self, arabic: str) -> list[Source]:
        return self.lexicon().get(arabic)

    def mentions(self, text: str | NormalisedText) -> list[Mention]:
        norm = text if isinstance(text, NormalisedText) else normalise(text)
        return [Mention(m.start, m.end, "SOURCE", norm.original[m.start:m.end], m.payloads[0])
                for m in self.lexicon().find(norm)]


def parse_sources(path: Path) -> Sources:
    data = _read_yaml(path)
    out: list[Source] = []
    for row in data.get("sources") or []:
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not isinstance(row.get("name_en"), str):
            raise KnowledgeBaseError(f"{path}: a source needs id and name_en: {row!r}")
        kind = row.get("kind", "other")
        if kind not in SOURCE_KINDS:
            raise KnowledgeBaseError(f"{path}: source {row['id']}: kind must be one of {SOURCE_KINDS}")
        out.append(Source(row["id"], row["name_en"], _phrases(path, f"source {row['id']}", row.get("aliases_ar")),
                          kind))
    if not out:
        raise KnowledgeBaseError(f"{path}: `sources` must be a non-empty list")
    return Sources(out, version=str(data.get("version", "")))


@cache
def load_sources(path: str | None = None) -> Sources:
    return parse_sources(Path(path) if path else SOURCES_FILE)


# ---------------------------------------------------------------------------------------------- stats

def actor_stats(actors: ActorDictionary | None = None) -> ActorStats:
    """Counts per country and per type, for ``rasd kb stats``."""
    actors = actors or load_actors()

    def where(a: Actor) -> str:
        if a.generic:
            return "generic"
        return a.country or a.home_country or "multinational"

    by_country = Counter(where(a) for a in actors)
    by_type = Counter(a.type for a in actors)
    inter_of = {a.type: a.inter for a in actors}
    by_pair = Counter((where(a), a.type) for a in actors)
    return ActorStats(
        total=len(actors),
        generic=sum(a.generic for a in actors),
        by_country=tuple(sorted(by_country.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_type=tuple(sorted(((t, inter_of[t], n) for t, n in by_type.items()), key=lambda r: r[1])),
        by_country_type=tuple(sorted((c, t, n) for (c, t), n in by_pair.items())),
    )
