"""When: the event day from the date expressions of its sentences, against the publication date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rasd.events.assemble import Draft

UNDATED_PRECISION = 2     # no date expression: the report's day, within the week before it


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    event_date: date | None
    date_start: date | None
    date_end: date | None
    time_precision: int | None
    expression: str | None
    resolved: bool


def resolve_draft_date(d: Draft, published: date | None) -> ResolvedDate:
    for c in d.candidates:
        for m in c.dates:
            v = m.value
            if getattr(v, "is_past_reference", False):
                continue
            if v.start is not None:
                precision = min(3, max(1, int(getattr(v, "precision", 1))))
                return ResolvedDate(v.start, v.start, v.end or v.start, precision, m.text, True)
            if not getattr(v, "resolved", True):
                return ResolvedDate(None, None, None, None, m.text, False)
    if published is None:
        return ResolvedDate(None, None, None, None, None, False)
    return ResolvedDate(published, published, published, UNDATED_PRECISION, None, True)
