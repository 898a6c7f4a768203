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


def _is_report_date(text: str, m) -> bool:
    """"قال المرصد الجمعة إن …": the day of the statement, not of the event."""
    after = text[m.end:m.end + 8].lstrip(" ،,")
    return after.startswith(("إن ", "ان ", "أن ", "إنه", "أنه", ":"))


def resolve_draft_date(d: Draft, published: date | None, text: str = "") -> ResolvedDate:
    # per sentence, the date nearest its event words first; a statement's date last
    dated = []
    for c in d.candidates:
        anchors = [t.start for t in c.triggers] + [w.start for w in c.counts.mentions]
        dated += sorted(c.dates, key=lambda m: min((abs(m.start - a) for a in anchors), default=0))
    event_dates = [m for m in dated if not _is_report_date(text, m)] + [m for m in dated if _is_report_date(text, m)]
    for m in event_dates:
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
