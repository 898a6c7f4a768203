"""Cross-article merging: when two articles' events are the same real event, and how the merged record reads.

The store keeps one `Claim` per (article, event the pipeline found in it). Merging is a pure function of the
set of claims, so the result is the same whatever order the articles arrived in:

1. `compatible(a, b)` is a symmetric test: different articles, same modality, same event type (and the same
   sub-event type for strategic developments), overlapping dates once each date's precision is taken into
   account, the same place within the coarser place's precision, and no contradicting actors.
2. Claims joined by compatible pairs form connected components (the store maintains them incrementally).
3. `partition(component)` splits a component deterministically into events: claims sorted by key, each joins
   the first event whose every claim it is compatible with (complete linkage, so A~B~C never chains A to C)
   and that has no claim of its article yet (the pipeline already merged events within one article).
4. `merge_block(claims)` builds the record: ACLED's `fatalities` is the lowest count any source gives (a
   source stating no count, 0, is ignored when another gives a number); UCDP's `low`/`high` are the
   lowest/highest and `best` the (lower) median of the sources' best estimates; place,
   date and actors come from the most precise claim; every source's own claim is kept in `extras["claims"]`.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from rasd.model import Event, Evidence, SourceRef
from rasd.text.normalise import fold

# Half-width in days of the window an ACLED time_precision stands for (1 day, 2 week, 3 month).
DATE_WINDOW_DAYS = {1: 0, 2: 3, 3: 15}
# The greatest distance at which two places still count as one, by the coarser geo_precision.
PLACE_RADIUS_KM = {1: 5.0, 2: 25.0}
# Sub-event types must agree too for these event types (an arrest and an agreement are not one event).
SUB_TYPE_MUST_MATCH = {"Strategic developments"}


@dataclass(frozen=True, slots=True)
class MergePolicy:
    """Settings of the merge test; the defaults follow ACLED's coding of one event."""
    day_slack: int = 0
    place_radius_km: dict[int, float] = field(default_factory=lambda: dict(PLACE_RADIUS_KM))


DEFAULT_POLICY = MergePolicy()


@dataclass(frozen=True, slots=True)
class Claim:
    """One article's report of one event: the pipeline's event, as stored, keyed deterministically."""
    key: str                       # article content hash + index of the event in the pipeline's output
    article_key: str
    event: Event                   # the pipeline's event for this article alone
    published: str | None = None   # the article's publication date (ISO), for ordering sources

    @property
    def day_range(self) -> tuple[int, int] | None:
        return claim_day_range(self.event)


def claim_key(article_key: str, index: int) -> str:
    return f"{article_key[:40]}:{index:04d}"


def claim_day_range(event: Event) -> tuple[int, int] | None:
    """The event's possible days as proleptic ordinals [lo, hi], or None when it has no usable date."""
    try:
        if event.date_start and event.date_end:
            lo = date.fromisoformat(event.date_start[:10]).toordinal()
            hi = date.fromisoformat(event.date_end[:10]).toordinal()
            return (min(lo, hi), max(lo, hi))
        if event.event_date:
            day = date.fromisoformat(event.event_date[:10]).toordinal()
            width = DATE_WINDOW_DAYS.get(event.time_precision or 1, 0)
            return (day - width, day + width)
    except ValueError:
        return None
    return None


def _folded(value: str | None) -> str:
    return fold(value).casefold().strip() if value else ""


def _place_level(event: Event) -> int:
    """1 town, 2 near a town or district, 3 admin1/region, 4 country only (too vague to merge on)."""
    if not event.admin1 and (not event.location or _folded(event.location) == _folded(event.country)):
        return 4
    if event.geo_precision in (1, 2, 3):
        return event.geo_precision
    if event.location and event.location not in (event.country, event.admin1):
        return 1
    if event.admin2:
        return 2
    if event.admin1:
        return 3
    return 4


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def same_place(a: Event, b: Event, policy: MergePolicy = DEFAULT_POLICY) -> bool:
    country_a, country_b = a.country_code or _folded(a.country), b.country_code or _folded(b.country)
    if not country_a or country_a != country_b:
        return False
    level = max(_place_level(a), _place_level(b))
    if level >= 4:
        return False  # before the gazetteer test: a country has a gazetteer id too
    if a.gazetteer_id and a.gazetteer_id == b.gazetteer_id:
        return True
    admin1_a, admin1_b = _folded(a.admin1), _folded(b.admin1)
    if admin1_a and admin1_b and admin1_a != admin1_b:
        return False
    if level == 3:
        return bool(admin1_a and admin1_a == admin1_b)
    names_a = {n for n in (_folded(a.location), _folded(a.location_ar)) if n}
    names_b = {n for n in (_folded(b.location), _folded(b.location_ar)) if n}
    if level == 1 and names_a & names_b:
        return True
    if level == 2:
        admin2_a, admin2_b = _folded(a.admin2), _folded(b.admin2)
        if admin2_a and admin2_a == admin2_b or names_a & names_b:
            return True
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        distance = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)  # type: ignore[arg-type]
        return distance <= policy.place_radius_km.get(level, 0.0)
    return False


def _actor_names(name: str | None, name_ar: str | None) -> tuple[str, str]:
    return (_folded(name), _folded(name_ar))


def _same_actor(a: tuple[str, str], b: tuple[str, str]) -> bool | None:
    """True/False when both sides name the actor, None when either is unknown."""
    if not (a[0] or a[1]) or not (b[0] or b[1]):
        return None
    for x, y in ((a[0], b[0]), (a[1], b[1])):
        if x and y:
            return x == y or x in y or y in x
    return None  # named in different languages only: no evidence either way


def actors_compatible(a: Event, b: Event) -> bool:
    a1, a2 = _actor_names(a.actor1, a.actor1_ar), _actor_names(a.actor2, a.actor2_ar)
    b1, b2 = _actor_names(b.actor1, b.actor1_ar), _actor_names(b.actor2, b.actor2_ar)
    straight = _same_actor(a1, b1) is not False and _same_actor(a2, b2) is not False
    swapped = _same_actor(a1, b2) is not False and _same_actor(a2, b1) is not False
    return straight or swapped


def types_compatible(a: Event, b: Event) -> bool:
    if not a.event_type or a.event_type != b.event_type:
        return False
    if a.event_type in SUB_TYPE_MUST_MATCH:
        return a.sub_event_type == b.sub_event_type
    return True


def dates_overlap(a: Event, b: Event, policy: MergePolicy = DEFAULT_POLICY) -> bool:
    ra, rb = claim_day_range(a), claim_day_range(b)
    if ra is None or rb is None:
        return False
    return ra[0] <= rb[1] + policy.day_slack and rb[0] <= ra[1] + policy.day_slack


def compatible(a: Claim, b: Claim, policy: MergePolicy = DEFAULT_POLICY) -> bool:
    """Could `a` and `b` be two reports of one real event? Symmetric; claims of one article never are."""
    if a.article_key == b.article_key:
        return False
    ea, eb = a.event, b.event
    return (ea.modality == eb.modality and types_compatible(ea, eb) and dates_overlap(ea, eb, policy)
            and same_place(ea, eb, policy) and actors_compatible(ea, eb))


def partition(claims: Iterable[Claim], policy: MergePolicy = DEFAULT_POLICY) -> list[list[Claim]]:
    """Split one connected component into events, the same way whatever order `claims` come in."""
    blocks: list[list[Claim]] = []
    for claim in sorted(claims, key=lambda c: c.key):
        for block in blocks:
            if all(compatible(claim, other, policy) for other in block):
                block.append(claim)
                break
        else:
            blocks.append([claim])
    return blocks


def event_id_for(block: Sequence[Claim]) -> str:
    """A content-derived id: the hash of the smallest claim key in the event."""
    smallest = min(c.key for c in block)
    return "rasd-" + hashlib.sha1(smallest.encode("utf-8")).hexdigest()[:16]


def _precision_rank(value: int | None) -> int:
    return value if value is not None else 9


def _lower_median(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def claim_summary(claim: Claim) -> dict[str, object]:
    """The per-source claim kept in the merged record: what this one article says."""
    e = claim.event
    source = e.sources[0] if e.sources else SourceRef(article_id=e.article_ids[0] if e.article_ids else "")
    return {
        "article_id": source.article_id, "outlet": source.outlet, "url": source.url,
        "published": source.published or claim.published,
        "event_date": e.event_date, "time_precision": e.time_precision, "location": e.location,
        "sub_event_type": e.sub_event_type, "actor1": e.actor1, "actor2": e.actor2,
        "fatalities": e.fatalities, "low": e.low, "best": e.best, "high": e.high,
        "attribution": ({"ar": e.attribution, "en": e.attribution_en} if e.attribution else None),
        "evidence": [{"article_id": ev.article_id, "start": ev.start, "end": ev.end, "text": ev.text}
                     for ev in e.evidence],
    }


def count_sources(claims: Sequence[Claim]) -> int:
    """Distinct outlets (an article without an outlet counts as its own source)."""
    names = set()
    for claim in claims:
        outlets = [s.outlet for s in claim.event.sources if s.outlet]
        names.add(("outlet", outlets[0]) if outlets else ("article", claim.article_key))
    return len(names)


def merge_block(block: Sequence[Claim]) -> Event:
    """One event record from the claims of several articles about it."""
    claims = sorted(block, key=lambda c: c.key)
    events = [c.event for c in claims]
    by_place = min(claims, key=lambda c: (_precision_rank(c.event.geo_precision),
                                          0 if c.event.latitude is not None else 1, c.key)).event
    by_date = min(claims, key=lambda c: (_precision_rank(c.event.time_precision), c.key)).event
    type_counts = Counter((e.event_type, e.sub_event_type) for e in events)
    top = max(type_counts.values())
    event_type, sub_event_type = next((e.event_type, e.sub_event_type) for e in events
                                      if type_counts[(e.event_type, e.sub_event_type)] == top)
    lead = next(e for e in events if (e.event_type, e.sub_event_type) == (event_type, sub_event_type))

    # A source that gives no count (0: none stated) is not a credible "lowest count" beside one that gives a
    # number, so zeros count only when no source gives more.
    credible = [e for e in events if e.fatalities] or events
    counts = [e.fatalities for e in credible if e.fatalities is not None]
    lows = [e.low if e.low is not None else e.fatalities for e in credible]
    highs = [e.high if e.high is not None else e.fatalities for e in events]
    bests = [(e.best if e.best is not None else e.fatalities, e) for e in credible]
    known_bests = [b for b, _ in bests if b is not None]
    low = min((v for v in lows if v is not None), default=None)
    high = max((v for v in highs if v is not None), default=None)
    best = _lower_median(known_bests) if known_bests else None
    if best is not None and low is not None and high is not None:
        best = min(max(best, low), high)
    best_claim = next((e for b, e in bests if b == best), lead)

    def first(attr: str, preferred: Event) -> object:
        value = getattr(preferred, attr)
        if value not in (None, ""):
            return value
        return next((getattr(e, attr) for e in events if getattr(e, attr) not in (None, "")), None)

    attribution_from = next((e for e in events if e.attribution), lead)
    sources: list[SourceRef] = []
    evidence: list[Evidence] = []
    article_ids: list[str] = []
    for e in events:
        sources.extend(s for s in e.sources if s not in sources)
        evidence.extend(ev for ev in e.evidence if ev not in evidence)
        article_ids.extend(a for a in e.article_ids if a not in article_ids)
    tags = sorted({t.strip() for e in events for t in e.tags.split(";") if t.strip()})

    merged = Event(
        event_id=event_id_for(claims), article_ids=article_ids, sources=sources, evidence=evidence,
        event_type=event_type, sub_event_type=sub_event_type,
        modality=lead.modality, confidence=max(e.confidence for e in events),
        attribution=attribution_from.attribution, attribution_en=attribution_from.attribution_en,
        event_date=by_date.event_date, time_precision=by_date.time_precision, date_start=by_date.date_start,
        date_end=by_date.date_end, date_expression=by_date.date_expression,
        actor1=first("actor1", lead), assoc_actor_1=first("assoc_actor_1", lead), inter1=first("inter1", lead),
        actor2=first("actor2", lead), assoc_actor_2=first("assoc_actor_2", lead), inter2=first("inter2", lead),
        interaction=first("interaction", lead), civilian_targeting=first("civilian_targeting", lead),
        actor1_ar=first("actor1_ar", lead), actor2_ar=first("actor2_ar", lead),
        country=by_place.country, country_code=by_place.country_code, admin1=by_place.admin1,
        admin2=by_place.admin2, admin3=by_place.admin3, location=by_place.location,
        location_ar=by_place.location_ar, latitude=by_place.latitude, longitude=by_place.longitude,
        geo_precision=by_place.geo_precision, where_prec=by_place.where_prec, gazetteer_id=by_place.gazetteer_id,
        fatalities=min(counts) if counts else None,
        deaths_a=best_claim.deaths_a, deaths_b=best_claim.deaths_b, deaths_civilians=best_claim.deaths_civilians,
        deaths_unknown=best_claim.deaths_unknown, best=best, low=low, high=high,
        injured=max((e.injured for e in events if e.injured is not None), default=None),
        kidnapped=max((e.kidnapped for e in events if e.kidnapped is not None), default=None),
        arrested=max((e.arrested for e in events if e.arrested is not None), default=None),
        notes=lead.notes, tags="; ".join(tags),
        extras={"number_of_sources": count_sources(claims), "claims": [claim_summary(c) for c in claims]},
    )
    return merged


def day_window(day_range: tuple[int, int], policy: MergePolicy = DEFAULT_POLICY) -> tuple[int, int]:
    """The ordinal-day window in which a compatible claim's range must start or end (for blocking queries)."""
    return (day_range[0] - policy.day_slack, day_range[1] + policy.day_slack)


def iso_day(ordinal: int) -> str:
    return (date.fromordinal(ordinal)).isoformat()


__all__ = ["Claim", "MergePolicy", "DEFAULT_POLICY", "claim_key", "claim_day_range", "compatible", "partition",
           "merge_block", "event_id_for", "count_sources", "same_place", "actors_compatible", "dates_overlap",
           "haversine_km", "day_window", "iso_day"]
