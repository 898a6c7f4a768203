"""Dates in Arabic news text, resolved against the publication date.

``find_dates(norm, published)`` returns ``DATE`` mentions whose value is a :class:`DateRef`: relative days
("فجر اليوم", "ليلة أمس", "أول أمس"), weekdays ("مساء الخميس", "ليلة الخميس الجمعة"), durations ago
("قبل ثلاثة أيام", "منذ أسبوع"), periods ("الأسبوع الماضي", "الشهر الجاري", "العام الماضي"), Gregorian dates
with Egyptian/Gulf, Levantine/Iraqi and Maghrebi month names ("21 كانون الثاني 2022", "21/1/2022",
"في مارس 2019", "نهاية 2017"), and Hijri dates ("15 رمضان 1436 هـ") converted with ``hijridate``.

Without ``published`` an expression that needs it stays unresolved (``start is None``): never guessed.
All words live in ``data/dates.yaml``.
"""
from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from hijridate import Gregorian, Hijri

from rasd.model import Mention
from rasd.recognise.numbers import (Entry, WordInfo, WordLexicon, NumberScan, in_ranges, load_data, make_reader,
                                    can_start, number_scan, scan_positions, to_original,
                                    token_infos)
from rasd.slots import slot_setting_init
from rasd.text.normalise import NormalisedText, fold
from rasd.text.tokens import Token, tokenize

LABEL = "DATE"
DAY, WEEK, MONTH, YEAR = 1, 2, 3, 4          # ACLED's time precision codes (week used for "last week")
# An expression whose whole window lies more than this many days before publication points to the past
# (ANNOTATION.md: events older than 60 days are not events of the article).
PAST_REFERENCE_DAYS = 60
WEEK_TOLERANCE = 7
# Parts of a year and of a month that "مطلع" / "منتصف" / "نهاية" pick out: (first, last) month or day.
YEAR_PARTS = {"early": (1, 3), "mid": (5, 8), "late": (10, 12)}
MONTH_PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
# Words that begin a date expression only when more of it follows ("عام 2014", "هذا الأسبوع", "مساء أمس").
LEADING_CLASSES = frozenset({"this_words", "day_word", "year_words", "ago_words", "since_words", "qualifiers",
                             "parts_of_day", "month_context_before", "year_context_before", "of_word",
                             "weekday_past", "period_relations", "night_joiners", "today_blockers_after",
                             "gregorian_markers", "hijri_markers", "weekday_future", "month_context_after"})
# Classes a date expression can begin with; other words (في، من …) are only context.
STARTING_CLASSES = frozenset({"relative_days", "tonight", "parts_of_day", "weekdays", "months", "hijri_months",
                              "periods", "this_words", "vague_past", "qualifiers", "since_words", "ago_words",
                              "day_word", "year_words", "ordinal_days"})


@slot_setting_init
@dataclass(frozen=True, slots=True, init=False)
class DateRef:
    """When something happened: ``start`` (the earliest day) to ``end``, ``precision`` 1 day … 4 year."""
    start: date | None
    end: date | None
    precision: int
    tolerance_days: int
    expression: str
    relative: bool
    resolved: bool
    part_of_day: str | None = None
    is_past_reference: bool = False


@dataclass
class DateLexicon:
    words: WordLexicon
    read: Any
    night: str          # the part of the day that spans two dates ("ليلة الخميس الجمعة")


@cache
def date_lexicon() -> DateLexicon:
    data = load_data("dates.yaml")
    lex = WordLexicon(prefixes=tuple(fold(p) for p in data["clitic_prefixes"]))
    for row in data["relative_days"]:
        lex.add_all(row["ar"], "relative_days", (int(row["offset"]), int(row["tolerance"])))
    for row in data["tonight"]:
        lex.add_all(row["ar"], "tonight", (int(row["offset"]), int(row["tolerance"])))
    for row in data["parts_of_day"]:
        lex.add_all(row["ar"], "parts_of_day", row["part"])
    for row in data["weekdays"]:
        lex.add_all(row["ar"], "weekdays", int(row["weekday"]))
    for row in data["months"]:
        lex.add_all(row["ar"], "months", int(row["month"]))
    for row in data["hijri_months"]:
        lex.add_all(row["ar"], "hijri_months", int(row["month"]))
    for row in data["periods"]:
        lex.add_all(row["ar"], "periods", row["unit"])
    for row in data["period_relations"]:
        lex.add_all(row["ar"], "period_relations", int(row["step"]))
    for row in data["duration_units"]:
        lex.add_all(row["ar"], "duration_units", (row["unit"], row["count"]))
    for row in data["vague_past"]:
        lex.add_all(row["ar"], "vague_past", (bool(row["past"]), row["offset"], int(row["tolerance"])))
    for row in load_data("numbers.yaml")["ordinals"]:      # "السادس من الشهر الجاري"
        lex.add_all(row["ar"], "ordinal_days", int(row["value"]))
    for row in data["qualifiers"]:
        lex.add_all(row["ar"], "qualifiers", row["part"])
    for cls in ("weekday_past", "weekday_future", "hijri_markers", "gregorian_markers", "this_words",
                "ago_words", "since_words", "month_context_before", "month_context_after", "year_words",
                "year_context_before", "day_word", "of_word", "today_blockers_after", "night_joiners"):
        lex.add_all(data[cls], cls)
    night = next(row["part"] for row in data["parts_of_day"] if row.get("overnight"))
    return DateLexicon(lex, make_reader(lex, STARTING_CLASSES), night)


# ------------------------------------------------------------------------------------ calendar helpers

def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _weekday_on_or_before(published: date, weekday: int, strictly: bool = False) -> date:
    back = (published.weekday() - weekday) % 7
    if strictly and back == 0:
        back = 7
    return published - timedelta(days=back)


def _weekday_after(published: date, weekday: int) -> date:
    ahead = (weekday - published.weekday()) % 7
    return published + timedelta(days=ahead or 7)


def _hijri_month_span(year: int, month: int) -> tuple[date, date]:
    first = Hijri(year, month, 1)
    start = first.to_gregorian()
    return date(start.year, start.month, start.day), date(start.year, start.month, start.day) + timedelta(
        days=first.month_length() - 1)


def _hijri_year_of(day: date) -> int:
    return Gregorian(day.year, day.month, day.day).to_hijri().year


# Not frozen: a frozen dataclass's __init__ sets each field through object.__setattr__ (~10,000 machine
# instructions for these seven against ~2,000, callgrind); a window is only read by the scan that made it
# (rasd bench, issue 8).
@dataclass(slots=True)
class _Window:
    """What an anchor resolves to before modifiers (since, part of day) are applied."""
    start: date | None
    end: date | None
    precision: int
    tolerance: int
    relative: bool
    past: bool | None = None          # forced is_past_reference (vague past); None: computed
    part: str | None = None           # the part of the day the anchor itself names ("الليلة")


# ---------------------------------------------------------------------------------------------- scan

class _DateScan:
    def __init__(self, norm: NormalisedText, tokens: list[Token], published: date | None) -> None:
        self.norm = norm
        self.text = norm.text
        self.toks = tokens
        self.n = len(tokens)
        self.pub = published
        self.lex = date_lexicon()
        self.infos: list[WordInfo] = token_infos(tokens)[1]
        self._numbers: NumberScan | None = None
        self.skipped = 0

    # -- helpers shared with the number scan's conventions
    def gap(self, j: int) -> str:
        return self.text[self.toks[j - 1].end:self.toks[j].start]

    def adjacent(self, j: int) -> bool:
        """Only whitespace between token j-1 and token j (``gap`` written out: one call less, ~40 an article)."""
        return 0 < j < self.n and not self.text[self.toks[j - 1].end:self.toks[j].start].strip()

    def match(self, j: int, cls: str, prefix: bool = False,
              article: bool = True) -> tuple[Entry, int, int] | None:
        """The longest phrase of class ``cls`` at token j: (entry, end token, proclitic length)."""
        if j >= self.n or cls not in self.infos[j].classes:
            return None
        for reading in self.infos[j].readings:
            if (reading.prefix and not prefix) or (reading.article and not article):
                continue
            for rest, entry in self.lex.words.by_first.get(reading.stem, ()):
                if entry.cls != cls:
                    continue
                end = j + 1 + len(rest)
                # a one-word phrase (most) has nothing more to compare: no generator made for it
                if end <= self.n and (not rest or all(self.toks[j + 1 + k].text == w and self.adjacent(j + 1 + k)
                                                      for k, w in enumerate(rest))):
                    return entry, end, reading.prefix
        return None

    def match_next(self, j: int, cls: str) -> tuple[Entry, int, int] | None:
        """Like ``match`` but only when token j follows the previous one across spaces alone."""
        if j >= self.n or cls not in self.infos[j].classes:
            return None         # match's own first test, before the adjacency test and the call
        return self.match(j, cls) if self.adjacent(j) else None

    def preceded_by(self, j: int, cls: str) -> bool:
        """Token j-1 (spaces between) is a one-word phrase of ``cls``, clitics allowed ("وفي")."""
        if j == 0 or not self.adjacent(j):
            return False
        found = self.match(j - 1, cls, prefix=True)
        return bool(found and found[1] == j)

    def int_at(self, j: int, digits: tuple[int, ...] = (1, 2, 3, 4)) -> int | None:
        if j < self.n and self.infos[j].digit and self.toks[j].text.isdecimal() and len(self.toks[j].text) in digits:
            return int(self.toks[j].text)
        return None

    def numbers(self) -> NumberScan:
        if self._numbers is None:
            self._numbers = number_scan(self.norm, self.toks)
        return self._numbers

    # -- the scan
    def scan(self, within: Sequence[tuple[int, int]] | None = None) -> list[tuple[int, int, DateRef]]:
        """The dates of the text; with ``within``, those starting in these token ranges (see
        ``rasd.recognise.numbers.positions_within``)."""
        out: list[tuple[int, int, DateRef]] = []
        resume = 0
        infos = self.infos
        last = self.n - 1
        for i in scan_positions(self.toks, within):
            if i < resume or not can_start(infos, self.toks, i):
                continue
            info = infos[i]
            if info.classes and info.classes <= LEADING_CLASSES and (
                    i == last or not (infos[i + 1].start or "of_word" in infos[i + 1].classes)):
                continue                     # "عام", "هذا", "قبل" … with nothing date-like after them
            try:
                found = self.parse_at(i)
            except (OverflowError, ValueError):
                # a date arithmetic beyond what datetime / hijridate can represent (year 1 or 9999,
                # Hijri outside 1343–1500): the expression is skipped and counted
                self.skipped += 1
                continue
            if found is not None:
                s, e, ref, end_tok = found
                if within is None or in_ranges(i, within):
                    out.append((s, e, ref))
                resume = end_tok
        return out

    def parse_at(self, i: int) -> tuple[int, int, DateRef, int] | None:
        prefix = 0
        j = i
        since = False
        # match's own first test (the token's classes) made here for the leading words: most candidates have
        # none of them, and five calls that find nothing were a third of the date scan's calls (rasd bench,
        # issue 8)
        classes = self.infos[i].classes
        vague = self.match(i, "vague_past", prefix=True) if "vague_past" in classes else None
        if vague:
            past, offset, tolerance = vague[0].payload
            return self.finish(i, vague[2], vague[1], self.vague_window(past, offset, tolerance), None)
        lead = None
        if "since_words" in classes or "ago_words" in classes:
            lead = self.match(i, "since_words", prefix=True) or self.match(i, "ago_words", prefix=True)
        if lead and self.adjacent(lead[1]):
            prefix = lead[2]
            duration = self.duration(lead[1])
            if duration is not None:
                count, unit, end = duration
                return self.finish(i, prefix, end, self.ago_window(count, unit), None)
            if lead[0].cls == "since_words":
                since, j = True, lead[1]
            else:
                return None
        start_tok = j if not since else i
        part = None
        qualifier = None
        classes = self.infos[j].classes
        found = self.match(j, "qualifiers", prefix=not since, article=False) if "qualifiers" in classes else None
        if found and self.adjacent(found[1]):
            qualifier = found[0].payload
            if start_tok == j:
                prefix = found[2]
            j = found[1]
            of = self.match_next(j, "of_word")
            if of:
                j = of[1]
        else:
            found = self.match(j, "parts_of_day", prefix=not since, article=False) if "parts_of_day" in classes \
                else None
            if found and self.adjacent(found[1]):
                part = found[0].payload
                if start_tok == j:
                    prefix = found[2]
                j = found[1]
                for filler in ("day_word", "of_word"):       # "صباح يوم الخميس", "مساء من يوم"
                    extra = self.match(j, filler, article=False) if self.adjacent(j) else None
                    if extra:
                        j = extra[1]
        anchored = j != i
        anchor = self.anchor(j, first=not anchored, qualifier=qualifier, part=part)
        if anchor is None and (part or qualifier) and not since:
            # "الليلة الماضية": ليلة read as a part of the day found no day after it; read it whole
            part = qualifier = None
            anchored, j = False, i
            anchor = self.anchor(i, first=True, qualifier=None, part=None)
        if anchor is None:
            return None
        window, end, anchor_prefix = anchor
        if window is None:          # a month or day the calendar does not have
            return None
        if not anchored:
            prefix = anchor_prefix
        if since and window.start is not None and self.pub is not None and window.start <= self.pub:
            # "منذ مساء الخميس": from that point until publication
            window = _Window(window.start, self.pub, window.precision, (self.pub - window.start).days, True,
                             part=window.part)
        return self.finish(start_tok, prefix, end, window, part)

    # -- anchors: what a date expression is about
    def anchor(self, j: int, first: bool, qualifier: str | None,
               part: str | None) -> tuple[_Window, int, int] | None:
        if j >= self.n:
            return None
        if self.infos[j].digit:
            return self.digits_anchor(j, qualifier)
        if not self.infos[j].readings:
            return None
        classes = self.infos[j].classes         # match's first test, made before calling it (as in parse_at)
        if qualifier is None:
            found = self.match(j, "relative_days", prefix=first) if "relative_days" in classes else None
            if found and not self.match_next(found[1], "today_blockers_after"):
                offset, tolerance = found[0].payload
                window = self.day_window(offset, tolerance)
                end = self.skip_weekday(found[1])
                if end != found[1] and window.start is not None:
                    window = self.named_weekday(window, self.match(found[1], "weekdays")[0].payload)
                return window, end, found[2]
            if part is None and "tonight" in classes:
                found = self.match(j, "tonight", prefix=first)
                if found and not self.match_next(found[1], "today_blockers_after"):
                    offset, tolerance = found[0].payload
                    day = self.day_window(offset, tolerance)
                    return _Window(day.start, day.end, DAY, tolerance, True, part=self.lex.night), found[1], found[2]
            day_word = self.match(j, "day_word", prefix=first, article=False) if "day_word" in classes else None
            k = day_word[1] if day_word and self.adjacent(day_word[1]) else j
            if day_word and k != j:
                found = self.match(k, "relative_days")           # "يوم أمس"
                if found:
                    offset, tolerance = found[0].payload
                    return self.day_window(offset, tolerance), found[1], day_word[2]
            weekday = self.match(k, "weekdays", prefix=first and k == j) \
                if "weekdays" in self.infos[k].classes else None
            if weekday:
                return self.weekday_anchor(weekday, part, day_word[2] if k != j else weekday[2])
        if qualifier is None and "ordinal_days" in classes:
            ordinal = self.ordinal_anchor(j, first)
            if ordinal:
                return ordinal
        period = self.period_anchor(j, first, qualifier)
        if period:
            return period
        return self.month_anchor(j, first, qualifier)

    def ordinal_anchor(self, j: int, first: bool) -> tuple[_Window, int, int] | None:
        """"السادس من الشهر الجاري", "الحادي والعشرين من كانون الثاني 2022", "العاشر من رمضان"."""
        word = self.match(j, "ordinal_days", prefix=first)
        if word is None:
            return None
        span = self.numbers().ordinal_at(j)
        if span is None or not 1 <= span.quantity.value <= 31:
            return None
        day = span.quantity.value
        of = self.match_next(span.token_end, "of_word")
        if of is None or not self.adjacent(of[1]):
            return None
        k = of[1]
        dated = self.day_month_at(day, k)
        if dated is not None:
            window, end = dated
            return (window, end, word[2]) if window else None
        this = self.match(k, "this_words")
        period = self.match_next(this[1], "periods") if this else self.match(k, "periods")
        if period is None or period[0].payload != "month":
            return None
        if this:
            step, end = 0, period[1]
        else:
            relation = self.match_next(period[1], "period_relations")
            if relation is None:
                return None
            step, end = relation[0].payload, relation[1]
        if self.pub is None:
            return _Window(None, None, DAY, 0, True), end, word[2]
        month = _add_months(self.pub.replace(day=1), step)
        try:
            resolved = month.replace(day=day)
        except ValueError:
            return None
        return _Window(resolved, resolved, DAY, 0, True), end, word[2]

    def weekday_anchor(self, weekday: tuple[Entry, int, int], part: str | None,
                       prefix: int) -> tuple[_Window, int, int]:
        entry, end, _ = weekday
        day = entry.payload
        step = 0
        if self.match_next(end, "weekday_past"):
            step, end = -1, self.match_next(end, "weekday_past")[1]
        elif self.match_next(end, "weekday_future"):
            step, end = 1, self.match_next(end, "weekday_future")[1]
        second = None
        if part == self.lex.night:       # "ليلة الخميس الجمعة", "ليلة الخميس على الجمعة", "ليل الخميس - الجمعة"
            k = end
            joiner = self.match_next(k, "night_joiners")
            if joiner:
                k = joiner[1]
            if k < self.n and (joiner or self.gap(k).strip() in {"", "-", "/", "–"}):
                nxt = self.match(k, "weekdays")
                if nxt and nxt[0].payload == (day + 1) % 7:
                    second, end = nxt[0].payload, nxt[1]
        if self.pub is None:
            return _Window(None, None, DAY, 0, True), end, prefix
        if step < 0:
            resolved = _weekday_on_or_before(self.pub, day, strictly=True)
        elif step > 0:
            resolved = _weekday_after(self.pub, day)
        else:
            resolved = _weekday_on_or_before(self.pub, day)
        if second is not None:
            return _Window(resolved, resolved + timedelta(days=1), DAY, 1, True), end, prefix
        return _Window(resolved, resolved, DAY, 0, True), end, prefix

    def period_anchor(self, j: int, first: bool, qualifier: str | None) -> tuple[_Window, int, int] | None:
        """"الأسبوع الماضي", "الشهر الجاري", "هذا العام", "العام الماضي"."""
        prefix = 0
        this = self.match(j, "this_words", prefix=first) if "this_words" in self.infos[j].classes else None
        k = j
        if this and self.adjacent(this[1]):
            k, prefix = this[1], this[2]
        period = self.match(k, "periods", prefix=first and k == j) if "periods" in self.infos[k].classes else None
        if period is None:
            return None
        if k == j:
            prefix = period[2]
        end = period[1]
        if this and k != j:
            step = 0
        else:
            relation = self.match_next(end, "period_relations")
            if relation is None:
                return None
            step, end = relation[0].payload, relation[1]
        return self.period_window(period[0].payload, step, qualifier), end, prefix

    def month_anchor(self, j: int, first: bool, qualifier: str | None) -> tuple[_Window, int, int] | None:
        """A month name alone, or with a year, a relation ("يناير الماضي") or a context word ("في مارس")."""
        classes = self.infos[j].classes         # match's first test, made before calling it
        for cls in ("months", "hijri_months"):
            found = self.match(j, cls, prefix=first) if cls in classes else None
            if found is None:
                continue
            month, end, prefix = found[0].payload, found[1], found[2]
            hijri = cls == "hijri_months"
            year = self.year_after(self.skip_alternative_month(end), hijri)
            if year:
                value, end = year
                return self.month_window(month, value, 0, hijri, qualifier), end, prefix
            relation = self.relation_after(end)
            context = qualifier is not None or self.preceded_by(j, "month_context_before") or relation
            if not context:
                return None
            step = relation[0] if relation else None
            if relation:
                end = relation[1]
            return self.month_window(month, None, step, hijri, qualifier), end, prefix
        found = self.match(j, "year_words", prefix=first) if "year_words" in classes else None
        if found and self.adjacent(found[1]):
            year = self.int_at(found[1], (4,))
            if year is not None:
                hijri_mark = self.match_next(found[1] + 1, "hijri_markers")
                greg_mark = self.match_next(found[1] + 1, "gregorian_markers")
                end = (hijri_mark or greg_mark)[1] if (hijri_mark or greg_mark) else found[1] + 1
                window = self.year_window(year, bool(hijri_mark), qualifier)
                if window:
                    return window, end, found[2]
        return None

    def skip_alternative_month(self, j: int) -> int:
        """Past the other name of the same month: "يناير (كانون الثاني) 2013", "أيار/مايو 2018".

        Only used when a year or relation follows it; a month alone keeps its own span.
        """
        if j < self.n and self.gap(j).strip() == "(":
            alt = self.match(j, "months")
            if alt and alt[1] < self.n and self.gap(alt[1]).strip() == ")":
                return alt[1]
        if j < self.n and self.gap(j).strip() == "/":          # "أيار/مايو 2018"
            alt = self.match(j, "months")
            if alt:
                return alt[1]
        return j

    def relation_after(self, j: int) -> tuple[int, int] | None:
        """"الماضي" / "المقبل" after a month, maybe past its other name: (step, end token)."""
        k = self.skip_alternative_month(j)
        relation = self.match(k, "period_relations") if k < self.n and (
            self.adjacent(k) or (k != j and self.gap(k).strip() == ")")) else None
        return (relation[0].payload, relation[1]) if relation else None

    @staticmethod
    def named_weekday(window: _Window, weekday: int) -> _Window:
        """"اليوم الخميس" in an article stamped Saturday: written on Thursday, crawled later. The weekday
        the text names wins over the stamp (the most recent such day on or before the relative day)."""
        if window.start is None or window.start.weekday() == weekday:
            return window
        day = _weekday_on_or_before(window.start, weekday)
        return _Window(day, day, DAY, max(window.tolerance, 1), True)

    def skip_weekday(self, j: int) -> int:
        """Past a weekday that names the day just given: "أمس السبت", "اليوم (الاثنين)", "غدا الأربعاء"."""
        if j < self.n and self.gap(j).strip() in {"", "("}:
            weekday = self.match(j, "weekdays")
            if weekday:
                return weekday[1]
        return j

    def year_after(self, j: int, hijri: bool) -> tuple[int, int] | None:
        """A year written after a month: "يناير 2022", "رمضان 1436 هـ", "مارس من عام 2019"."""
        k = j
        if k < self.n and self.gap(k).strip() == ")":        # after "(كانون الثاني)"
            year = self.int_at(k, (4,))
            if year is not None:
                return year, k + 1
        of = self.match_next(k, "of_word")
        if of:
            k = of[1]
        year_word = self.match_next(k, "year_words")
        if year_word:
            k = year_word[1]
        if not self.adjacent(k):
            return None
        year = self.int_at(k, (4,))
        if year is None:
            return None
        end = k + 1
        marker = self.match_next(end, "hijri_markers" if hijri else "gregorian_markers")
        if marker:
            end = marker[1]
        return year, end

    def digits_anchor(self, j: int, qualifier: str | None) -> tuple[_Window, int, int] | None:
        tok = self.toks[j].text
        if "." in tok or "," in tok:                     # 21.1.2022
            parts = tok.split(".")
            if len(parts) == 3 and all(p.isdecimal() for p in parts):
                return self.numeric_date(parts, j + 1)
            return None
        if j + 2 < self.n and self.infos[j + 1].digit and self.infos[j + 2].digit:
            g1, g2 = self.gap(j + 1), self.gap(j + 2)
            if g1 == g2 and g1 in {"/", "-", "."}:
                parts = [self.toks[k].text for k in (j, j + 1, j + 2)]
                if all(p.isdecimal() for p in parts):
                    return self.numeric_date(parts, j + 3)
        day = self.int_at(j, (1, 2))
        if day is not None and 1 <= day <= 31 and self.adjacent(j + 1):
            dated = self.day_month_at(day, j + 1)
            if dated is not None:
                window, end = dated
                return (window, end, 0) if window else None
        year = self.int_at(j, (4,))
        if year is not None and (qualifier or self.preceded_by(j, "year_context_before")
                                 or self.preceded_by(j, "since_words")):
            hijri_mark = self.match_next(j + 1, "hijri_markers")
            greg_mark = self.match_next(j + 1, "gregorian_markers")
            end = (hijri_mark or greg_mark)[1] if (hijri_mark or greg_mark) else j + 1
            window = self.year_window(year, bool(hijri_mark), qualifier)
            return (window, end, 0) if window else None
        return None

    def duration(self, j: int) -> tuple[int, str, int] | None:
        """"يومين", "ثلاثة أيام", "3 أسابيع", "أسبوع": (count, unit, end token)."""
        unit = self.match(j, "duration_units")
        if unit:
            unit_name, count = unit[0].payload
            if self.adjacent(unit[1]) and self.int_at(unit[1], (4,)) is not None:
                return None                          # "منذ عام 2014": a year, not a year ago
            return (count, unit_name, unit[1]) if count else None
        if not (self.infos[j].digit or self.numbers().infos[j].readings):
            return None
        core = self.numbers().core(j)
        if core is None or core.vague or not self.adjacent(core.end_tok):
            return None
        unit = self.match(core.end_tok, "duration_units")
        if unit is None:
            return None
        return core.value, unit[0].payload[0], unit[1]

    # -- windows
    def day_window(self, offset: int, tolerance: int) -> _Window:
        if self.pub is None:
            return _Window(None, None, DAY, tolerance, True)
        day = self.pub + timedelta(days=offset)
        return _Window(day, day, DAY, tolerance, True)

    def vague_window(self, past: bool, offset: int | None, tolerance: int) -> _Window:
        if offset is None or self.pub is None:
            return _Window(None, None, MONTH if not past else YEAR, tolerance, True, past)
        day = self.pub + timedelta(days=offset)
        return _Window(day, self.pub, DAY if offset >= -1 else WEEK, tolerance, True, past)

    def ago_window(self, count: int, unit: str) -> _Window:
        precision = {"day": DAY, "week": WEEK, "month": MONTH, "year": YEAR}.get(unit, DAY)
        if self.pub is None:
            return _Window(None, None, precision, 0, True)
        try:
            if unit == "day":
                day, tolerance = self.pub - timedelta(days=count), 1
            elif unit == "week":
                day, tolerance = self.pub - timedelta(days=7 * count), 3
            elif unit == "month":
                day, tolerance = _add_months(self.pub, -count), 15
            else:
                day, tolerance = _add_months(self.pub, -12 * count), 182
        except (OverflowError, ValueError):
            return _Window(None, None, precision, 0, True)
        return _Window(day, day, precision, tolerance, True)

    def period_window(self, unit: str, step: int, qualifier: str | None) -> _Window:
        precision = {"week": WEEK, "month": MONTH, "year": YEAR}[unit]
        pub = self.pub
        if pub is None:
            return _Window(None, None, precision, 0, True)
        if unit == "week":
            if step < 0:
                start, end = pub - timedelta(days=7), pub - timedelta(days=1)
            elif step > 0:
                start, end = pub + timedelta(days=1), pub + timedelta(days=7)
            else:
                start, end = pub - timedelta(days=(pub.weekday() - 5) % 7), pub
            return _Window(start, end, WEEK, WEEK_TOLERANCE, True)
        if unit == "month":
            first = _add_months(pub.replace(day=1), step)
            return self.narrow_month(first.year, first.month, qualifier, relative=True)
        year = pub.year + step
        return self.narrow_year(year, qualifier, relative=True)

    def narrow_month(self, year: int, month: int, qualifier: str | None, relative: bool) -> _Window:
        start, end = date(year, month, 1), _month_end(year, month)
        precision = MONTH
        if qualifier:
            lo, hi = MONTH_PARTS[qualifier]
            start, end = date(year, month, lo), min(end, date(year, month, min(hi, end.day)))
            precision = WEEK
        return _Window(start, end, precision, (end - start).days, relative)

    def narrow_year(self, year: int, qualifier: str | None, relative: bool) -> _Window:
        start, end = date(year, 1, 1), date(year, 12, 31)
        if qualifier:
            lo, hi = YEAR_PARTS[qualifier]
            start, end = date(year, lo, 1), _month_end(year, hi)
        return _Window(start, end, YEAR, (end - start).days, relative)

    def month_window(self, month: int, year: int | None, step: int | None, hijri: bool,
                     qualifier: str | None) -> _Window | None:
        try:
            if hijri:
                return self.hijri_month_window(month, year, step)
            if year is not None:
                return self.narrow_month(year, month, qualifier, relative=False)
            if self.pub is None:
                return _Window(None, None, MONTH, 0, True)
            pub = self.pub
            if step is None:
                year = pub.year if month <= pub.month else pub.year - 1
            elif step < 0:
                year = pub.year if month < pub.month else pub.year - 1
            elif step > 0:
                year = pub.year if month > pub.month else pub.year + 1
            else:
                year = pub.year
            return self.narrow_month(year, month, qualifier, relative=True)
        except (ValueError, OverflowError):
            return None

    def hijri_month_window(self, month: int, year: int | None, step: int | None) -> _Window | None:
        if year is not None:
            start, end = _hijri_month_span(year, month)
            return _Window(start, end, MONTH, (end - start).days, False)
        if self.pub is None:
            return _Window(None, None, MONTH, 0, True)
        pub = self.pub
        hyear = _hijri_year_of(pub)
        spans = [_hijri_month_span(y, month) for y in (hyear - 1, hyear, hyear + 1)]
        if step is None or step == 0:
            start, end = [sp for sp in spans if sp[0] <= pub][-1]
        elif step > 0:
            start, end = next(sp for sp in spans if sp[0] > pub)
        else:
            start, end = [sp for sp in spans if sp[1] < pub][-1]
        return _Window(start, end, MONTH, (end - start).days, True)

    def year_window(self, year: int, hijri: bool, qualifier: str | None) -> _Window | None:
        try:
            if hijri:
                start = _hijri_month_span(year, 1)[0]
                end = _hijri_month_span(year, 12)[1]
                return _Window(start, end, YEAR, (end - start).days, False)
            if not 1000 <= year <= 2999:
                return None
            return self.narrow_year(year, qualifier, relative=False)
        except (ValueError, OverflowError):
            return None

    def day_month_at(self, day: int, k: int):
        """A (Gregorian, Levantine or Hijri) month at token k after a day number, with its year or relation:
        (window or None, end token); None when no month name stands at k."""
        for cls in ("months", "hijri_months"):
            found = self.match(k, cls)
            if found:
                hijri = cls == "hijri_months"
                year = self.year_after(self.skip_alternative_month(found[1]), hijri)
                relation = None if year else self.relation_after(found[1])
                end = year[1] if year else relation[1] if relation else found[1]
                window = self.day_month_window(day, found[0].payload, year[0] if year else None, hijri,
                                               relation[0] if relation else None)
                return window, end
        return None

    def day_month_window(self, day: int, month: int, year: int | None, hijri: bool,
                         step: int | None = None) -> _Window | None:
        try:
            if hijri:
                if year is None:
                    if self.pub is None:
                        return _Window(None, None, DAY, 0, True)
                    year = _hijri_year_of(self.pub)
                    g = Hijri(year, month, day).to_gregorian()
                    if date(g.year, g.month, g.day) > self.pub:
                        g = Hijri(year - 1, month, day).to_gregorian()
                    resolved = date(g.year, g.month, g.day)
                    return _Window(resolved, resolved, DAY, 0, True)
                g = Hijri(year, month, day).to_gregorian()
                resolved = date(g.year, g.month, g.day)
                return _Window(resolved, resolved, DAY, 0, False)
            if year is not None:
                resolved = date(year, month, day)
                return _Window(resolved, resolved, DAY, 0, False)
            if self.pub is None:
                date(2000, month, day)                 # still reject 31 February
                return _Window(None, None, DAY, 0, True)
            year = self.pub.year
            here = (self.pub.month, self.pub.day)
            # no relation: on or before publication; "الجاري": this year's; "الماضي" / "المقبل" name another
            # month than the current one (which would be "الجاري"), as with a month alone
            if step is None:
                year -= (month, day) > here
            elif step < 0:
                year -= month >= self.pub.month
            elif step > 0:
                year += month <= self.pub.month
            if month == 2 and day == 29 and not calendar.isleap(year):
                return None
            resolved = date(year, month, day)
            return _Window(resolved, resolved, DAY, 0, True)
        except (ValueError, OverflowError):
            return None

    def numeric_date(self, parts: list[str], end: int) -> tuple[_Window, int, int] | None:
        if not all(1 <= len(p) <= 4 for p in parts):
            return None
        a, b, c = (int(p) for p in parts)
        if len(parts[0]) == 4:
            year, month, day = a, b, c
        else:
            day, month, year = a, b, c
            if len(parts[2]) == 2:
                year += 2000
            elif len(parts[2]) != 4:
                return None
        try:
            resolved = date(year, month, day)
        except ValueError:
            return None
        return _Window(resolved, resolved, DAY, 0, False), end, 0

    # -- the mention
    def finish(self, start_tok: int, prefix: int, end_tok: int, window: _Window,
               part: str | None) -> tuple[int, int, DateRef, int]:
        s = self.toks[start_tok].start + prefix
        e = self.toks[end_tok - 1].end
        os_, oe = to_original(self.norm, s, e)       # "هـ" keeps its tatweel
        original = self.norm.original
        if original[oe:oe + 1] == ")" and original.count("(", os_, oe) > original.count(")", os_, oe):
            oe += 1                                  # "غدا (الأربعاء)"
        part = part or window.part
        tolerance = window.tolerance
        if part == self.lex.night and window.precision == DAY:
            tolerance = max(tolerance, 1)
        past = window.past
        if past is None:
            last = window.end or window.start
            past = bool(self.pub and last and (self.pub - last).days > PAST_REFERENCE_DAYS)
        ref = DateRef(window.start, window.end, window.precision, tolerance, original[os_:oe],
                      window.relative, window.start is not None, part, past)
        return os_, oe, ref, end_tok


# ---------------------------------------------------------------------------------------------- API

def find_dates(norm: NormalisedText, published: date | None = None,
               tokens: list[Token] | None = None, within: Sequence[tuple[int, int]] | None = None) -> list[Mention]:
    """``DATE`` mentions (value: :class:`DateRef`) with offsets into the original text; with ``within``, only
    those starting in these token ranges ``[first, end)`` (sorted, apart).

    ``published`` may be a ``date`` or a ``datetime`` (its day is used) or None (relative expressions
    then stay unresolved).
    """
    if not isinstance(norm, NormalisedText):
        raise TypeError(f"find_dates expects rasd.text.normalise.normalise(text), not {type(norm).__name__}")
    if isinstance(published, datetime):
        published = published.date()
    elif published is not None and not isinstance(published, date):
        raise TypeError(f"published must be a datetime.date or None, not {type(published).__name__}")
    if tokens is None:
        tokens = tokenize(norm.text)
    if not tokens:
        return []
    original = norm.original
    return [Mention(s, e, LABEL, original[s:e], ref)
            for s, e, ref in _DateScan(norm, tokens, published).scan(within)]
