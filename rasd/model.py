"""The types every pipeline stage shares.

Offsets are half-open ``[start, end)`` character positions into ``Article.text`` exactly as it was
given (never modified); ``Article.text[m.start:m.end] == m.text`` holds for every mention.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    text: str
    title: str = ""
    published: date | None = None
    url: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """A recognised stretch of the article: a place, actor, number, date, trigger …

    ``label`` names the recogniser's category (``PLACE``, ``ACTOR``, ``VICTIM``, ``NUMBER``, ``DATE``,
    ``TRIGGER``, ``CUE``, ``SOURCE``); ``value`` carries its typed payload (a gazetteer entry, an actor,
    an int, a resolved date …).
    """
    start: int
    end: int
    label: str
    text: str
    value: Any = None

    def __post_init__(self) -> None:
        if not (0 <= self.start <= self.end):
            raise ValueError(f"bad mention offsets {self.start}:{self.end}")


@dataclass(frozen=True, slots=True)
class Evidence:
    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class SourceRef:
    article_id: str
    url: str = ""
    outlet: str = ""
    published: str | None = None


# ACLED's event types and sub-event types, spelled exactly as in ANNOTATION.md.
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": ("Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
                                   "Grenade"),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": ("Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"),
}
SUB_EVENT_TO_TYPE: dict[str, str] = {s: t for t, subs in EVENT_TYPES.items() for s in subs}

DISORDER_TYPES = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Riots": "Political violence",
    "Protests": "Demonstrations",
    "Strategic developments": "Strategic developments",
}

# ACLED columns in ACLED's export order (the subset rasd fills), then rasd's UCDP and provenance fields.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id", "event_date", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "country", "country_code", "admin1", "admin2", "admin3", "location",
    "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags",
)


@dataclass(slots=True)
class Event:
    """One event record: ACLED columns, UCDP fatality breakdown and rasd provenance."""
    event_id: str
    article_ids: list[str]
    sources: list[SourceRef]
    evidence: list[Evidence]
    event_type: str
    sub_event_type: str
    modality: str = "asserted"          # asserted | historical | hypothetical | negated | planned | reported_threat
    confidence: float = 0.5
    attribution: str | None = None
    attribution_en: str | None = None
    # when
    event_date: str | None = None
    time_precision: int | None = None
    date_start: str | None = None
    date_end: str | None = None
    date_expression: str | None = None
    # who
    actor1: str | None = None
    assoc_actor_1: str | None = None
    inter1: int | None = None
    actor2: str | None = None
    assoc_actor_2: str | None = None
    inter2: int | None = None
    interaction: int | None = None
    civilian_targeting: str | None = None
    actor1_ar: str | None = None
    actor2_ar: str | None = None
    # where
    country: str | None = None
    country_code: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    location: str | None = None
    location_ar: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    where_prec: int | None = None
    gazetteer_id: str | None = None
    # how many
    fatalities: int | None = None
    deaths_a: int | None = None
    deaths_b: int | None = None
    deaths_civilians: int | None = None
    deaths_unknown: int | None = None
    best: int | None = None
    low: int | None = None
    high: int | None = None
    injured: int | None = None
    kidnapped: int | None = None
    arrested: int | None = None
    notes: str = ""
    tags: str = ""
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def disorder_type(self) -> str:
        return DISORDER_TYPES.get(self.event_type, "")

    def to_record(self) -> dict[str, Any]:
        """The JSONL record: field names exactly as documented in the README."""
        return {
            "event_id": self.event_id,
            "article_ids": list(self.article_ids),
            "sources": [{"article_id": s.article_id, "url": s.url, "outlet": s.outlet,
                         "published": s.published} for s in self.sources],
            "evidence": [{"article_id": e.article_id, "start": e.start, "end": e.end, "text": e.text}
                         for e in self.evidence],
            "attribution": ({"ar": self.attribution, "en": self.attribution_en} if self.attribution else None),
            "confidence": round(self.confidence, 3),
            "modality": self.modality,
            "event_date": self.event_date,
            "time_precision": self.time_precision,
            "disorder_type": self.disorder_type,
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "actor1": self.actor1,
            "assoc_actor_1": self.assoc_actor_1,
            "inter1": self.inter1,
            "actor2": self.actor2,
            "assoc_actor_2": self.assoc_actor_2,
            "inter2": self.inter2,
            "interaction": self.interaction,
            "civilian_targeting": self.civilian_targeting,
            "country": self.country,
            "country_code": self.country_code,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "admin3": self.admin3,
            "location": self.location,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "geo_precision": self.geo_precision,
            "where_prec": self.where_prec,
            "fatalities": self.fatalities,
            "notes": self.notes,
            "tags": self.tags,
            "date_start": self.date_start,
            "date_end": self.date_end,
            "date_expression": self.date_expression,
            "deaths_a": self.deaths_a,
            "deaths_b": self.deaths_b,
            "deaths_civilians": self.deaths_civilians,
            "deaths_unknown": self.deaths_unknown,
            "best": self.best,
            "low": self.low,
            "high": self.high,
            "injured": self.injured,
            "kidnapped": self.kidnapped,
            "arrested": self.arrested,
            "location_ar": self.location_ar,
            "gazetteer_id": self.gazetteer_id,
            "actor1_ar": self.actor1_ar,
            "actor2_ar": self.actor2_ar,
        }
