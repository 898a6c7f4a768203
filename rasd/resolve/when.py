"""When: the event day from the date expressions of its sentences, against the publication date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from rasd.datafiles import read_yaml
from rasd.events.assemble import Draft
from rasd.text.normalise import fold
from rasd.text.tokens import strip_article

UNDATED_PRECISION = 2     # no date expression: the report's day, within the week before it
LEAD_SENTENCES = 3        # an article's leading date: the first recent date of its first sentences


def article_default_date(an):
    """The first recent, non-statement date in the article's lead ("قتل 5 … أمس" then undated details)."""
    lead_end = an.sentences[min(LEAD_SENTENCES, len(an.sentences)) - 1].end if an.sentences else 0
    for m in an.dates:
        if m.start >= lead_end:
            break
        v = m.value
        if v.start is None or getattr(v, "is_past_reference", False) or is_duration(m) \
                or _is_report_date(an.article.text, m) or not getattr(v, "resolved", True):
            continue
        if an.article.published and (v.start > an.article.published or (an.article.published - v.start).days > 14):
            continue
        return m
    return None


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    event_date: date | None
    date_start: date | None
    date_end: date | None
    time_precision: int | None
    expression: str | None
    resolved: bool


@cache
def _cues() -> tuple[frozenset[str], tuple[str, ...]]:
    data = read_yaml("rasd.resolve.data", "when.yaml")
    return frozenset(fold(w) for w in data["duration_units"]), tuple(fold(w) for w in data["statement_openers"])


def _is_report_date(text: str, m) -> bool:
    """"قال المرصد الجمعة إن …": the day of the statement, not of the event."""
    after = fold(text[m.end:m.end + 8]).lstrip(" ،,")
    openers = _cues()[1]
    return after.startswith(tuple(o + " " for o in openers)) or after.startswith(":")


def is_duration(m) -> bool:
    """"للمرة الأولى منذ 4 أيام": how long, not when."""
    words = fold(m.text).split()
    units = _cues()[0]
    return bool(words) and words[0] == "منذ" and any(strip_article(w) in units or w in units for w in words[1:])


def resolve_draft_date(d: Draft, published: date | None, text: str = "",
                       article_default=None) -> ResolvedDate:
    """The event day: its own sentences' date nearest the event words, else the article's leading date
    (``article_default``, a DATE mention), else the publication day with week precision."""
    # per sentence, the date nearest its event words first; a statement's date last
    dated = []
    for c in d.candidates:
        anchors = [t.start for t in c.triggers] + [w.start for w in c.counts.mentions]
        dated += sorted(c.dates, key=lambda m: min((abs(m.start - a) for a in anchors), default=0))
    event_dates = [m for m in dated if not _is_report_date(text, m)] + [m for m in dated if _is_report_date(text, m)]
    for m in event_dates:
        v = m.value
        if getattr(v, "is_past_reference", False) or is_duration(m):
            continue
        if v.start is not None:
            precision = min(3, max(1, int(getattr(v, "precision", 1))))
            return ResolvedDate(v.start, v.start, v.end or v.start, precision, m.text, True)
        if not getattr(v, "resolved", True):
            return ResolvedDate(None, None, None, None, m.text, False)
    if article_default is not None:
        v = article_default.value
        precision = min(3, max(1, int(getattr(v, "precision", 1))))
        return ResolvedDate(v.start, v.start, v.end or v.start, precision, article_default.text, True)
    if published is None:
        return ResolvedDate(None, None, None, None, None, False)
    return ResolvedDate(published, published, published, UNDATED_PRECISION, None, True)
