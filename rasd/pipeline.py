"""The extraction pipeline: normalise → segment → recognise → assemble → resolve → records.

``extract_article(article)`` is the one service the CLI, the store and the API call.
"""
from __future__ import annotations

import gc
import hashlib
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from operator import attrgetter

from rasd.events.analysis import Analysis
from rasd.events.assemble import (
    Candidate,
    Draft,
    Typing,
    build_candidates,
    choose_type,
    is_substantive,
    merge_candidates,
)
from rasd.events.casualties import Counts
from rasd.events.roles import assign_roles, role_cues, side_of
from rasd.model import Article, Event, Evidence, Mention, SourceRef
from rasd.recognise.lexicon import PhraseLexicon
from rasd.recognise.places import find_places
from rasd.recognise.triggers import find_casualty_words, find_cues, find_triggers
from rasd.resolve.geocode import (
    PlaceContext,
    ResolvedPlace,
    article_context,
    places_overlap,
    resolve_mentions,
)
from rasd.resolve.when import LEAD_SENTENCES, article_default_date, resolve_draft_date
from rasd.text.normalise import normalise
from rasd.text.segment import split_clauses
from rasd.text.tokens import tokenize

# Asserted events below this confidence are dropped (shown as "uncertain" with --all). 0: the event-sentence
# classifier already screens candidates; a floor of 0.7 gained nothing on the dev set.
MIN_CONFIDENCE = 0.0


class ExtractionError(ValueError):
    """The input cannot be read as an article (the message says why and what to do)."""


# --- knowledge, loaded once -----------------------------------------------------------------------

@cache
def _kb():
    from rasd.kb.actors import load_actors, load_sources, load_victim_categories
    from rasd.kb.gazetteer import load_gazetteer
    return load_gazetteer(), load_actors(), load_victim_categories(), load_sources()


@cache
def _armed_target_lexicon() -> PhraseLexicon[bool]:
    return PhraseLexicon((w, True) for w in role_cues()[2])


# --- recognition ----------------------------------------------------------------------------------

def analyse(article: Article, models: bool = True) -> Analysis:
    """Every mention in the article; ``models=False`` leaves out the trained NER tagger (rules and knowledge
    base only)."""
    an = _analyse(article, models, for_events=False)
    assert an is not None
    return an


def _analyse(article: Article, models: bool, for_events: bool) -> Analysis | None:
    """``analyse``; ``for_events`` leaves out what no event can read (rasd bench, issue 8):

    * None for an article with no event word and no casualty word: no sentence of it can become a
      candidate (``build_candidates`` needs one or the other), so the other recognisers are skipped (a
      quarter of the ANT 2018 articles have neither);
    * numbers and dates only in the clauses that read them (``_number_and_date_ranges``).
    """
    from rasd.recognise.dates import find_dates
    from rasd.recognise.numbers import find_numbers
    gazetteer, actors, victims, sources = _kb()
    norm = normalise(article.text)
    tokens = tokenize(norm.text)
    triggers = find_triggers(norm, tokens)
    casualties = find_casualty_words(norm, tokens)
    if for_events and not triggers and not casualties:
        return None
    an = Analysis(article, norm, tokens, split_clauses(article.text))
    an.triggers = triggers
    an.casualties = casualties
    an.victims = _lexicon_mentions(victims.lexicon(), "VICTIM", norm, tokens)
    an.sources = _lexicon_mentions(sources.lexicon(), "SOURCE", norm, tokens)
    an.places = find_places(norm, tokens, gazetteer)
    an.actors = _actor_mentions(actors, norm, an.places, tokens)
    number_ranges, date_ranges = _number_and_date_ranges(an) if for_events else (None, None)
    an.numbers = find_numbers(norm, tokens, number_ranges)
    an.dates = find_dates(norm, article.published, tokens, date_ranges)
    an.cues = find_cues(norm, tokens)
    an.sources = [m for m in an.sources if len(m.text) > SHORT_SOURCE_ALIAS or _after_agency_word(an, m)]
    an.entities = _named_entities(article.text, _event_sentences(an)) if models else []
    an.places = _reconcile_with_ner(an.places, an.entities, an.actors)
    an.places = _drop_stray_places(an.places, an.actors)
    dateline_end = _dateline_end(article.text)
    an.places = [p for p in an.places if p.start >= dateline_end]
    an.places = _drop_overlapping(an.places, an.dates, an.sources, an.triggers, an.casualties, an.numbers,
                                  [a for a in an.actors if len(a.text.split()) > 1])
    return an


def _number_and_date_ranges(an: Analysis) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The token ranges whose numbers and dates the events read, each list sorted with adjacent clauses joined.

    Numbers are read by the counts of casualty words (``count_sentence``), dates by the candidates (clauses
    with an event or casualty word) and by the article's default date (its lead, ``LEAD_SENTENCES``). A place
    name a number or date covers is dropped (``_drop_overlapping``): so both are read also in a clause with a
    place that has a token either grammar reads ("آب", "الجمعة", "السبعة"). Elsewhere nothing reads them: on
    ANT 2018 four tokens in five lie outside the clauses read for numbers, nearly half outside those read for
    dates.
    """
    from rasd.recognise.numbers import read_positions
    if not an.sentences:
        return [], []
    readable = read_positions(an.tokens)
    token_starts = an.token_starts

    def reads_a_token(m: Mention) -> bool:
        """Does either grammar read a token of ``m`` (those holding its first to its last character)?"""
        return bisect_left(readable, bisect_right(token_starts, m.start) - 1) \
            < bisect_right(readable, bisect_right(token_starts, m.end - 1) - 1)

    # the clause of a mention is the one its start falls in (clauses are apart only by spaces)
    clause_of = an.sentence_of
    place_clauses = {clause_of(p.start) for p in an.places if reads_a_token(p)}
    number_clauses = {clause_of(m.start) for m in an.casualties} | place_clauses
    date_clauses = number_clauses | {clause_of(m.start) for m in an.triggers} \
        | set(range(min(LEAD_SENTENCES, len(an.sentences))))
    return _token_ranges(an, number_clauses, readable), _token_ranges(an, date_clauses, readable)


def _token_ranges(an: Analysis, clauses: set[int], readable: list[int]) -> list[tuple[int, int]]:
    """The token ranges of these clauses with a token read (sorted; adjacent clauses joined)."""
    ranges: list[tuple[int, int]] = []
    for k in sorted(clauses):
        sent = an.sentences[k]
        first, end = an.token_at(sent.start), an.token_at(sent.end)
        if bisect_left(readable, first) == bisect_left(readable, end):
            continue        # no token either grammar reads: neither can find anything here
        if ranges and ranges[-1][1] == first:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((first, end))
    return ranges


_DATELINE = re.compile(r"^\s*[^.\n]{0,60}?\([^()\n]{1,25}\)\s*[-–—]{1,2}|^\s*[^\s.،,]{2,20}(?:[ ،,][^\s.،,]{2,20})?\s*[-–—]{1,2}\s")


def _dateline_end(text: str) -> int:
    """End of a dateline ("دبي، الإمارات العربية المتحدة (CNN)--", "بيروت - "): where the report was filed,
    not where the event happened."""
    m = _DATELINE.match(text)
    return m.end() if m else 0


def _event_sentences(an: Analysis) -> list:
    """Sentences with an event word or a casualty word: the only ones whose names can matter."""
    marks = sorted(m.start for m in an.triggers + an.casualties)
    chosen = []
    for s in an.sentences:
        i = bisect_left(marks, s.start)
        if i < len(marks) and marks[i] < s.end:
            chosen.append(s)
    return chosen


def _named_entities(text: str, sentences) -> list[Mention]:
    """The trained NER tagger's entities in the given sentences (tagging the whole article cost half the
    pipeline's time, for names that cannot reach an event); none when no model is installed."""
    from rasd.recognise.ner import NerModelError, load_tagger
    try:
        tagger = load_tagger()
    except (NerModelError, FileNotFoundError):
        return []
    out: list[Mention] = []
    for s in sentences:
        for m in tagger.entities(text[s.start:s.end]):
            out.append(Mention(m.start + s.start, m.end + s.start, m.label, m.text, m.value))
    return out


def _reconcile_with_ner(places: list[Mention], entities: list[Mention], actors: list[Mention]) -> list[Mention]:
    """Gazetteer places inside a person's name go ("ميري ريجيف" is not Miri in Malaysia); locations the
    gazetteer does not hold stay, by name, so an unknown village still reaches ``location_ar``."""
    if not entities:        # rules only, or no sentence with an event word: the places as they are
        return sorted(places, key=_mention_start)
    from rasd.recognise.places import PlaceRef
    # a name joined by و right after a place is another place ("محافظة حجة وعمران"), whatever the tagger
    # says: those are not persons
    place_ends = {p.end for p in places}
    # spans by start with the running maximum of their ends: "some span starting at or before x ends at or
    # after y" is one bisection (a scan of all spans per mention made long articles quadratic, B3)
    persons = _spans_by_start((e.start, e.end) for e in entities if e.value == "PER"
                              and not (e.text.startswith("و") and e.start - 1 in place_ends))
    kept = [p for p in places
            if p.value.typed_level or p.value.site or not _covered(persons, p.start, p.end)]
    taken = _spans_by_start((m.start, m.end) for m in kept + actors)
    for e in entities:
        if e.value in ("LOC", "GPE") and not _overlapped(taken, e.start, e.end):
            kept.append(Mention(e.start, e.end, "PLACE", e.text, PlaceRef(e.text, ())))
    return sorted(kept, key=_mention_start)


_mention_start = attrgetter("start")


def _spans_by_start(spans) -> tuple[list[int], list[int]]:
    """Starts of the spans in order, and the largest end among the spans up to each."""
    starts: list[int] = []
    max_ends: list[int] = []
    for start, end in sorted(spans):
        starts.append(start)
        max_ends.append(max(end, max_ends[-1]) if max_ends else end)
    return starts, max_ends


def _covered(spans: tuple[list[int], list[int]], start: int, end: int) -> bool:
    """Some span holds [start, end): it starts at or before ``start`` and ends at or after ``end``."""
    starts, max_ends = spans
    i = bisect_right(starts, start)
    return i > 0 and max_ends[i - 1] >= end


def _overlapped(spans: tuple[list[int], list[int]], start: int, end: int) -> bool:
    """Some span overlaps [start, end): it starts before ``end`` and ends after ``start``."""
    starts, max_ends = spans
    i = bisect_left(starts, end)
    return i > 0 and max_ends[i - 1] > start


STRAY_PLACE_MAX_POPULATION = 100000


def _drop_stray_places(places: list[Mention], actors: list[Mention]) -> list[Mention]:
    """A small town in a country nothing else in the article points to is a homonym ("مقر" is not Muqur in
    Afghanistan when the article is about Iraq): drop it unless a place-type word introduced it."""
    names_by_country: dict[str, set[str]] = {}
    for m in places:
        for cc in {c.country_code for c in m.value.candidates}:
            names_by_country.setdefault(cc, set()).add(m.text)
    for m in actors:
        for cc in (getattr(m.value, "country", None), getattr(m.value, "home_country", None)):
            if cc:
                names_by_country.setdefault(cc, set()).add("actor:" + m.text)
    kept = []
    for m in places:
        ref = m.value
        cands = ref.candidates
        small = cands and all(c.level in ("populated", "site", "admin3", "admin2")
                              and c.population < STRAY_PLACE_MAX_POPULATION
                              for c in cands)
        # some other name points to one of its countries (no set difference per candidate: a name can have
        # dozens of homonyms)
        supported = any(len(names) > 1 or m.text not in names
                        for names in map(names_by_country.get, {c.country_code for c in cands}) if names)
        if small and not (ref.typed_level or ref.site or ref.rural) and not supported:
            continue
        kept.append(m)
    return kept


SHORT_SOURCE_ALIAS = 3      # "واع", "وام": agency acronyms only count right after وكالة (else "وأم الكرامي" is WAM)


def _after_agency_word(an: Analysis, m: Mention) -> bool:
    prev = an.token_text(an.token_at(m.start) - 1)
    return prev.endswith("وكاله")


def _drop_overlapping(places: list[Mention], *others: list[Mention]) -> list[Mention]:
    """A place name inside a date ("الخميس"), an actor ("قوات سوريا الديمقراطية") or a trigger is not a place."""
    spans = sorted((m.start, m.end) for group in others for m in group)
    if not spans:
        return places
    from bisect import bisect_right
    starts = [s for s, _ in spans]
    kept = []
    for p in places:
        i = bisect_right(starts, p.end)
        overlap = any(s < p.end and p.start < e and (e - s) >= (p.end - p.start) for s, e in spans[max(0, i - 8):i])
        if not overlap:
            kept.append(p)
    return kept


def _actor_mentions(actors, norm, places: list[Mention], tokens=None) -> list[Mention]:
    """Actor names, each ambiguous alias settled by the country the article's places point to."""
    countries = Counter(c.country_code for p in places for c in p.value.candidates[:1])
    top = countries.most_common(1)[0][0] if countries else None
    out = []
    for m in actors.find(norm, tokens):
        actor = actors.disambiguate(m.actors, top) if m.ambiguous else m.actors[0]
        out.append(Mention(m.start, m.end, "ACTOR", m.text, actor))
    return out


def _lexicon_mentions(lex, label: str, norm, tokens) -> list[Mention]:
    return [Mention(m.start, m.end, label, norm.original[m.start:m.end], m.payloads[0])
            for m in lex.find(norm, tokens)]


# --- the service ----------------------------------------------------------------------------------

def extract(text: str, published: date | str | None = None, article_id: str | None = None,
            include_all: bool = False, **meta) -> list[Event]:
    """Python API: ``rasd.extract(text, published="2022-01-21") -> list[Event]``."""
    pub = parse_published(published)
    aid = article_id or "article-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return extract_article(Article(aid, text, published=pub, **meta), include_all=include_all)


def parse_published(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    try:
        return date.fromisoformat(s[:10])
    except ValueError as exc:
        raise ExtractionError(f"cannot read publication date {value!r}: use YYYY-MM-DD") from exc


# The knowledge base, lexicons and models (about 100,000 objects the garbage collector tracks, most loaded
# lazily by the first article that runs every recogniser) live as long as the process, yet each full
# collection of the cyclic garbage collector walked them all: 12 % of the rules-only CPU time streaming ANT
# 2018 articles (rasd bench, issue 8). At the start of the article after the first one that ran every
# recogniser (per configuration: the models load then), they are moved out of its reach with gc.freeze(),
# after a collection so that no garbage is kept. Only the collector's work changes, never a result.
#
# Then the youngest generation is collected every 5,000 net allocations instead of CPython's 700: an article
# makes a few thousand objects, most freed as soon as they are used, so at 700 a young collection ran every
# few articles and walked the article's live objects, promoting them for the older generations to walk
# again (~2.5 % of the rules-only time in collections; 1.0 % fewer instructions over 300 ANT articles at
# 5,000, callgrind; rasd bench, issue 8). Only CPython's default is raised: an application that set its own
# thresholds keeps them.
_loaded_for = {True: False, False: False}    # a whole article has run, with the models / without
_settled = {True: False, False: False}
CPYTHON_YOUNG_THRESHOLD = 700
YOUNG_THRESHOLD = 5000


def _settle_loaded_data(models: bool) -> None:
    _settled[models] = True
    gc.collect()
    gc.freeze()
    young, *older = gc.get_threshold()
    if young == CPYTHON_YOUNG_THRESHOLD:
        gc.set_threshold(YOUNG_THRESHOLD, *older)


# A short report in which every recogniser finds something (an event and a casualty word, numbers, a date, a
# place, an actor): extracting it loads what the pipeline loads lazily.
WARM_UP_TEXT = "قتل ثلاثة جنود وأصيب 15 مدنيا في هجوم لتنظيم داعش على بلدة قرب بعقوبة في ديالى يوم الخميس"


def warm_up(models: bool = True) -> None:
    """Load what extraction loads lazily (lexicons; with ``models`` the trained models too) and move it out
    of the garbage collector's reach, so that the next article starts warm. A one-off cost (~1 s) that
    `rasd bench` reports as start-up ("first article") and keeps out of its streaming throughput."""
    article = Article("rasd-warm-up", WARM_UP_TEXT, published=date(2022, 1, 20))
    for _ in range(2):          # the second extraction settles what the first loaded (_settle_loaded_data)
        extract_article(article, models=models)


def extract_article(article: Article, include_all: bool = False, models: bool = True) -> list[Event]:
    """The events the article reports. ``models=False`` runs the rules and knowledge base alone, without the
    trained models (NER tagger, event-sentence classifier) even where they are shipped."""
    if not article.text or not article.text.strip():
        return []
    if _loaded_for[models] and not _settled[models]:
        _settle_loaded_data(models)
    an = _analyse(article, models, for_events=True)
    if an is None:
        return []
    _loaded_for[models] = True
    gazetteer, actors_kb, _, _ = _kb()
    ctx = article_context(an)
    candidates = build_candidates(an)

    place_cache: dict[tuple, ResolvedPlace | None] = {}

    def place_of(c: Candidate) -> ResolvedPlace | None:
        key = (c.sentence.index, tuple(m.start for m in c.places))
        if key not in place_cache:
            place_cache[key] = resolve_mentions(gazetteer, c.places, ctx)
        return place_cache[key]

    def country_of(c: Candidate) -> str | None:
        p = place_of(c)
        if p is not None:
            return p.place.country_code
        ccs = Counter(getattr(m.value, "country", None) for m in c.actors)
        ccs.pop(None, None)
        ccs.pop("", None)
        return ccs.most_common(1)[0][0] if len(ccs) == 1 else None

    for c in candidates:
        if _is_summary(c):
            c.modality = "generic"
    if models:
        candidates = _screen_with_classifier(an, candidates)
    candidates = [part for c in candidates for part in _split_coordinated_places(an, c, gazetteer, ctx)]
    drafts = merge_candidates(candidates, place_of, country_of)
    events: list[Event] = []
    for d in drafts:
        if d.modality != "asserted" and not include_all:
            continue
        ev = _build_event(an, d, ctx, gazetteer, actors_kb, place_of)
        if ev is None:
            continue
        if ev.modality == "asserted" and ev.confidence < MIN_CONFIDENCE:
            if not include_all:
                continue
            ev.modality = "uncertain"
        events.append(ev)
    return events


def _unmistakable(c: Candidate) -> bool:
    """An event word, a recent date and a toll (or two armed sides) in one sentence: the rules need no second
    opinion."""
    strong = bool(c.triggers)
    armed = {getattr(m.value, "id", m.text) for m in c.actors if side_of(m.value) != "civilian"}
    toll = c.counts.killed is not None or c.counts.injured is not None or len(armed) >= 2
    dated = any(getattr(d.value, "resolved", False) and not getattr(d.value, "is_past_reference", False)
                for d in c.dates)
    return strong and toll and dated


def _screen_with_classifier(an: Analysis, candidates: list[Candidate]) -> list[Candidate]:
    """The trained event-sentence classifier (rasd/models/events.*) marks asserted candidates it scores below
    its threshold as background; without a shipped model the rules decide alone."""
    from rasd.events.classifier import load_classifier
    clf = load_classifier()
    asserted = [c for c in candidates if c.modality == "asserted"]
    if clf is None or not asserted:
        return candidates
    scores = clf.score([an.article.text[c.sentence.start:c.sentence.end] for c in asserted])
    for c, p in zip(asserted, scores):
        if p < clf.threshold and not _unmistakable(c):
            c.modality = "background"
    return candidates


COORDINATION_GAP = re.compile(r"^\s*(?:،|,)?\s*(?:و|أو)?\s*$")


def _split_coordinated_places(an: Analysis, c: Candidate, gazetteer, ctx) -> list[Candidate]:
    """ACLED events are atomic: "غارات على بلدتي طفس وصيدا", "فوق الرياض ونجران وجازان" are one event per town.

    Towns joined by و/، in one sentence, each resolved, none containing another, become one candidate each;
    the sentence's counts stay with the first (they are not split by town in the text).
    """
    if c.modality != "asserted" or len(c.places) < 2:
        return [c]
    groups: list[list[Mention]] = [[c.places[0]]]
    for prev, cur in zip(c.places, c.places[1:]):
        gap = an.article.text[prev.end:cur.start]
        glued = an.article.text[cur.start - 1:cur.start] == "و" if cur.start > 0 else False
        if COORDINATION_GAP.match(gap.replace("و", "", 1) if glued else gap) and (glued or "و" in gap or "،" in gap):
            groups[-1].append(cur)
        else:
            groups.append([cur])
    group = max(groups, key=len)
    if len(group) < 2:
        return [c]
    resolved = [resolve_mentions(gazetteer, [m], ctx) for m in group]
    if any(r is None or r.place.level in ("country", "admin1") for r in resolved):
        return [c]
    if any(places_overlap(a, b) for i, a in enumerate(resolved) for b in resolved[i + 1:]):
        return [c]
    others = [m for m in c.places if m not in group]
    out = []
    for i, m in enumerate(group):
        part = replace(c, places=[m] + others)
        if i > 0:
            part.counts = Counts()
        out.append(part)
    return out


def _is_summary(c: Candidate) -> bool:
    """A sentence naming only countries, several of them ("في العراق وسوريا"): a round-up, not one event."""
    levels = {cand.level for p in c.places for cand in p.value.candidates[:1]}
    countries = {cand.country_code for p in c.places for cand in p.value.candidates[:1]}
    return bool(c.places) and levels == {"country"} and len(countries) > 1


# --- records --------------------------------------------------------------------------------------

def _build_event(an: Analysis, d: Draft, ctx: PlaceContext, gazetteer, actors_kb, place_of) -> Event | None:
    article = an.article
    if not any(is_substantive(c) for c in d.candidates):
        return None
    # where: the event's most specific place, the country of its actors otherwise
    place = resolve_mentions(gazetteer, d.mentions("places"), ctx, d.country_code)
    countries_named = {p.value.candidates[0].country_code for p in d.mentions("places")
                       if p.value.known and len({c.country_code for c in p.value.candidates}) == 1
                       and p.value.candidates[0].level == "country"}
    if place is not None and place.place.level == "country" and len(countries_named) > 1:
        return None          # a summary across countries ("في العراق وسوريا"), not one event
    country_code = place.place.country_code if place is not None else d.country_code
    if place is None and country_code:
        cp = gazetteer.country(country_code)
        if cp is not None:
            place = ResolvedPlace(cp, None, 3, 6, cp.name_ar)
    if place is None:
        return None          # no place at all: ACLED needs at least a country
    when = resolve_draft_date(d, article.published, article.text, article_default_date(an))
    if place.place.level == "country" and not _strong_country_level(d, when):
        return None          # only a country and little else: background, not a codable event
    # how many
    killed = [c.counts.killed for c in d.candidates if c.counts.killed is not None]
    # no death word at all: 0 (ACLED); deaths implied without a number ("سقوط قتلى"): unknown
    fatalities = max(killed) if killed else (None if any(c.counts.deaths_implied for c in d.candidates) else 0)
    lows = [c.counts.killed_low for c in d.candidates if c.counts.killed_low is not None]
    highs = [c.counts.killed_high for c in d.candidates if c.counts.killed_high is not None]
    parts = next((c.counts.killed_parts for c in d.candidates if c.counts.killed_parts), [])
    victim_sides = {side for c in d.candidates for side in c.counts.victim_sides}
    victim_sides |= {p.side for p in parts}
    victim_sides.discard("unknown")
    # what
    armed_target = _armed_target_near_event(an, d) or "state" in victim_sides or "nonstate" in victim_sides
    typing = choose_type(d, victim_sides, armed_target)
    if typing is None:
        return None
    # who
    # an actor whose dead are counted is the target — unless both sides' dead are counted (a battle's toll)
    armed_parts = [p for c in d.candidates for p in c.counts.killed_parts if p.side in ("state", "nonstate")]
    victim_actor_ids = frozenset(getattr(p.actor, "id", "") for p in armed_parts if p.actor is not None) \
        if len({p.side for p in armed_parts}) == 1 else frozenset()
    roles = assign_roles(an, d, victim_sides, armed_only=typing.event_type == "Battles",
                         country_code=place.place.country_code, victim_actor_ids=victim_actor_ids)
    country_name = place.place.country if place.place.level != "country" else place.place.name_en
    actor1 = roles.actor1.value if roles.actor1 else None
    actor2 = roles.actor2.value if roles.actor2 else None
    if typing.event_type == "Protests":
        force = next((a for a in (actor1, actor2) if a is not None and side_of(a) != "civilian"), None)
        protesters = actors_kb.by_id("protesters_generic")
        if typing.sub_event_type == "Excessive force against protesters":
            actor1, actor2 = force, protesters          # ACLED: the force acts on the protesters
        else:
            actor1, actor2 = protesters, force
    elif typing.event_type == "Riots":
        force = next((a for a in (actor1, actor2) if a is not None and side_of(a) != "civilian"), None)
        actor1, actor2 = actors_kb.by_id("rioters_generic"), force
    if typing.event_type == "Explosions/Remote violence" and victim_sides == {"civilian"} and \
            (actor2 is None or side_of(actor2) != "civilian"):
        actor2 = actors_kb.by_id("civilians_generic")     # a strike that killed only civilians targeted them
    if actor1 is None and actor2 is not None and typing.event_type == "Battles" and side_of(actor2) == "nonstate":
        # the dead are a non-state group's and no one else is named: the state's forces fought them
        actor1 = actors_kb.military_of(place.place.country_code)
    if typing.event_type == "Violence against civilians" and (actor2 is None or side_of(actor2) != "civilian"):
        actor2 = actors_kb.by_id("civilians_generic")
        if actor1 is not None and side_of(actor1) == "civilian":
            actor1 = None
    if actor1 is None and typing.event_type in ("Violence against civilians", "Explosions/Remote violence",
                                                "Battles"):
        actor1 = actors_kb.by_id("unidentified_armed_group")
    if typing.kind in ("takeover", "regain") and actor1 is not None:
        # who took the ground decides: the state regains, a non-state actor overtakes
        sub = "Government regains territory" if side_of(actor1) == "state" else "Non-state actor overtakes territory"
        typing = Typing(typing.event_type, sub, typing.kind)
    name1 = actors_kb.english_name(actor1, country_name) if actor1 is not None else None
    name2 = actors_kb.english_name(actor2, country_name) if actor2 is not None else None
    inter1 = getattr(actor1, "inter", None)
    inter2 = getattr(actor2, "inter", None)
    # the dead of each side (UCDP): actor1's, actor2's, civilians, unknown
    deaths_a = deaths_b = deaths_civ = deaths_unknown = None
    if parts or fatalities is not None:
        deaths_a, deaths_b, deaths_civ, deaths_unknown = _split_deaths(parts, fatalities, victim_sides, actor1,
                                                                       actor2)
    injured = _max_count(d, "injured")
    kidnapped = _max_count(d, "kidnapped")
    arrested = _max_count(d, "arrested")
    # says who
    source = next(iter(d.mentions("sources")), None)
    if source is None and len({m.value.id for m in an.sources}) == 1:
        source = an.sources[0]
    evidence = [Evidence(article.id, s.start, s.end, article.text[s.start:s.end]) for s in d.sentences]
    event_id = _event_id(article.id, evidence, typing.sub_event_type + "|" + place.place.id)
    ev = Event(
        event_id=event_id,
        article_ids=[article.id],
        sources=[SourceRef(article.id, article.url, article.source,
                           article.published.isoformat() if article.published else None)],
        evidence=evidence,
        event_type=typing.event_type,
        sub_event_type=typing.sub_event_type,
        modality=d.modality,
        attribution=source.text if source else None,
        attribution_en=getattr(source.value, "name_en", None) if source else None,
        event_date=when.event_date.isoformat() if when.event_date else None,
        time_precision=when.time_precision,
        date_start=when.date_start.isoformat() if when.date_start else None,
        date_end=when.date_end.isoformat() if when.date_end else None,
        date_expression=when.expression,
        actor1=name1, actor2=name2, inter1=inter1, inter2=inter2,
        assoc_actor_1="; ".join(actors_kb.english_name(m.value, country_name) for m in roles.assoc1) or None,
        assoc_actor_2="; ".join(actors_kb.english_name(m.value, country_name) for m in roles.assoc2) or None,
        interaction=_interaction(inter1, inter2),
        civilian_targeting="Civilian targeting" if inter2 == 7 else None,
        actor1_ar=roles.actor1.text if roles.actor1 and roles.actor1.value is actor1 else None,
        actor2_ar=roles.actor2.text if roles.actor2 and roles.actor2.value is actor2 else None,
        country=country_name,
        country_code=place.place.country_code,
        admin1=place.place.admin1 if place.place.level != "country" else None,
        admin2=place.place.admin2,
        admin3=place.place.admin3,
        location=place.place.name_en,
        location_ar=place.location_ar,
        latitude=round(place.place.latitude, 5),
        longitude=round(place.place.longitude, 5),
        geo_precision=place.geo_precision,
        where_prec=place.where_prec,
        gazetteer_id=place.place.id,
        fatalities=fatalities,
        deaths_a=deaths_a, deaths_b=deaths_b, deaths_civilians=deaths_civ, deaths_unknown=deaths_unknown,
        best=fatalities,
        low=min(lows + ([fatalities] if fatalities is not None else [])) if (lows or fatalities is not None) else None,
        high=max(highs + ([fatalities] if fatalities is not None else [])) if (highs or fatalities is not None) else None,
        injured=injured, kidnapped=kidnapped, arrested=arrested,
    )
    ev.confidence = _confidence(d, place, when, source)
    ev.notes = _notes(ev)
    tags = []
    if not when.resolved:
        tags.append("date unresolved: no publication date")
    if place.unknown_names:
        tags.append("location fallback to nearest known unit")
    if any(c.counts.vague for c in d.candidates):
        tags.append("vague fatality count")
    ev.tags = "; ".join(tags)
    return ev


def _split_deaths(parts, fatalities: int | None, victim_sides: set[str], actor1, actor2
                  ) -> tuple[int, int, int, int]:
    """Deaths of actor1, of actor2, of civilians and of unknown affiliation.

    A part that names its actor ("16 من تنظيم داعش") goes to that actor; an armed part of actor1's side to
    actor1; the other armed parts to actor2 (its dead are "the other side" in UCDP's sense).
    """
    s1 = side_of(actor1) if actor1 is not None else None
    if not parts:
        total = fatalities or 0
        only = next(iter(victim_sides)) if len(victim_sides) == 1 else None
        if only == "civilian":
            return 0, 0, total, 0
        if only and actor2 is not None and side_of(actor2) == only:
            return 0, total, 0, 0
        if only and s1 == only:
            return total, 0, 0, 0
        return 0, 0, 0, total
    a = b = civ = unknown = 0
    for p in parts:
        if p.side == "civilian":
            civ += p.count
        elif p.actor is not None and actor1 is not None and getattr(p.actor, "id", None) == getattr(actor1, "id", 0):
            a += p.count
        elif p.actor is not None and actor2 is not None and getattr(p.actor, "id", None) == getattr(actor2, "id", 0):
            b += p.count
        elif p.side in ("state", "nonstate") and actor2 is not None:
            if p.side == s1 and p.actor is None and side_of(actor2) != s1:
                a += p.count
            else:
                b += p.count
        elif p.side in ("state", "nonstate") and p.side == s1:
            a += p.count
        else:
            unknown += p.count
    if fatalities is not None:
        unknown += max(0, fatalities - a - b - civ - unknown)
    return a, b, civ, unknown


ARMED_TARGET_WINDOW_TOKENS = 4


def _armed_target_near_event(an: Analysis, d: Draft) -> bool:
    """An armed target named right after an event word ("هجوما على مقر عسكري", "استهدف دورية")."""
    hits = _armed_target_hits(an)
    if not hits:
        return False
    hit_tokens = [i for i, _ in hits]
    # the draft's triggers by start, so each sentence takes its own by bisection (a scan of all of them per
    # sentence made a long article quadratic, bug B3)
    triggers = sorted(d.triggers(), key=lambda t: t.start)
    trigger_starts = [t.start for t in triggers]
    for sent in d.sentences:
        # the sentence's own hits: its tokens are the article's tokens in its span (sentences end at
        # punctuation or line breaks, which no phrase match crosses)
        first, last = an.token_at(sent.start), an.token_at(sent.end)
        in_sentence = [h for _, h in hits[bisect_left(hit_tokens, first):bisect_left(hit_tokens, last)]]
        if not in_sentence:
            continue
        for t in triggers[bisect_left(trigger_starts, sent.start):bisect_left(trigger_starts, sent.end)]:
            t_end_tok = an.token_at(t.end)
            if any(0 <= an.token_at(h) - t_end_tok <= ARMED_TARGET_WINDOW_TOKENS for h in in_sentence):
                return True
    return False


def _armed_target_hits(an: Analysis) -> list[tuple[int, int]]:
    """(first token, start) of each armed-target word of the article, in text order: one scan of the
    article's tokens, whose clitic readings every recogniser already shares, instead of one scan of a new
    token list per sentence of each draft, each rebuilding those readings (rasd bench, issue 8)."""
    hits = an.memo.get("armed_target_hits")
    if hits is None:
        hits = [(m.token_start, m.start) for m in _armed_target_lexicon().find(an.norm, an.tokens)]
        an.memo["armed_target_hits"] = hits
    return hits


def _strong_country_level(d: Draft, when) -> bool:
    """A country-level event stands only with a specific trigger, a death toll and its own date."""
    strong = any(t.value.strength >= 2 for t in d.triggers())
    toll = any(c.counts.killed is not None for c in d.candidates)
    return strong and toll and bool(when.expression)


def _max_count(d: Draft, kind: str) -> int | None:
    values = [getattr(c.counts, kind) for c in d.candidates if getattr(c.counts, kind) is not None]
    return max(values) if values else None


def _interaction(i1: int | None, i2: int | None) -> int | None:
    if i1 is None:
        return None
    if i2 is None:
        return i1 * 10
    a, b = sorted((i1, i2))
    return a * 10 + b


def _event_id(article_id: str, evidence: list[Evidence], sub_type: str) -> str:
    key = f"{article_id}|{sub_type}|" + "|".join(f"{e.start}-{e.end}" for e in evidence)
    return "rasd-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _confidence(d: Draft, place: ResolvedPlace, when, source) -> float:
    score = 0.35
    if any(t.value.strength >= 2 for t in d.triggers()):
        score += 0.15
    if any(c.counts.killed is not None or c.counts.injured is not None or c.counts.kidnapped is not None
           or c.counts.arrested is not None for c in d.candidates):
        score += 0.15
    if place.geo_precision <= 2:
        score += 0.1
    if when.expression:
        score += 0.1
    if source is not None:
        score += 0.05
    if len(d.candidates) > 1:
        score += 0.05
    return min(0.95, score)


_VERBS = {
    "Battles": "clashed with", "Explosions/Remote violence": "struck", "Violence against civilians": "attacked",
    "Protests": "protested", "Riots": "rioted against", "Strategic developments": "acted against",
}


def _notes(ev: Event) -> str:
    when = f"On {ev.event_date}" if ev.event_date else "On an unresolved date"
    where = ", ".join(x for x in (ev.location, ev.admin1, ev.country) if x and x != ev.location or x == ev.location)
    where = ", ".join(dict.fromkeys(x for x in (ev.location, ev.admin1, ev.country) if x))
    who = ev.actor1 or "an unidentified actor"
    what = ev.sub_event_type.lower()
    target = f" targeting {ev.actor2}" if ev.actor2 else ""
    toll = ""
    if ev.fatalities is not None:
        toll = f"; {ev.fatalities} reported killed"
    if ev.injured:
        toll += f", {ev.injured} injured"
    src = f" (according to {ev.attribution_en})" if ev.attribution_en else ""
    return f"{when}, {who}: {what}{target} in {where}{toll}{src}."
