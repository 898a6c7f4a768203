"""Casualty counts of one sentence: killed, injured, kidnapped, arrested, and the killed by side.

"أسفر عن مقتل 11 جنديا بينهم ضابط" → killed 11 (state side); "حصيلة قتلى بلغت 41 شخصا منهم 20 من قوى الأمن
و16 من تنظيم داعش و5 مدنيين" → killed 41, breakdown state 20 / nonstate 16 / civilian 5; "مقتل 5 مدنيين و3 جنود"
→ killed 8 (two additive parts).
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache

from rasd.datafiles import read_yaml
from rasd.events.analysis import Analysis
from rasd.model import Mention, Sentence
from rasd.text.normalise import fold

COUNT_AFTER_WINDOW = 4      # "حصيلة قتلى أولية بلغت 41": the count may sit a few words after the casualty word
COUNT_BEFORE_WINDOW = 2
COUNT_AFTER_WINDOW_OBJECT = 7     # "41 قتيلا", "نحو 41 قتيلا"


@dataclass(frozen=True, slots=True)
class Part:
    count: int
    side: str                 # state | nonstate | civilian | unknown
    actor: object | None = None
    category: str | None = None


@dataclass
class Counts:
    killed: int | None = None
    killed_low: int | None = None
    killed_high: int | None = None
    injured: int | None = None
    kidnapped: int | None = None
    arrested: int | None = None
    killed_parts: list[Part] = field(default_factory=list)
    deaths_implied: bool = False
    vague: bool = False
    victim_sides: set[str] = field(default_factory=set)   # sides of the counted victims ("11 جنديا" → state)
    mentions: list[Mention] = field(default_factory=list)

    def any(self) -> bool:
        return any(v is not None for v in (self.killed, self.injured, self.kidnapped, self.arrested)) \
            or self.deaths_implied


@cache
def _casualty_data() -> tuple[frozenset[str], frozenset[str]]:
    data = read_yaml("rasd.recognise.data", "casualties.yaml")
    singular = frozenset(fold(w) for w in data["singular_nouns"])
    openers = frozenset(fold(w) for w in data["breakdown_openers"])
    return singular, openers


def _is_count(m: Mention) -> bool:
    return getattr(m.value, "kind", "count") == "count"


def _strip_clitic(word: str) -> str:
    for p in ("وال", "بال", "ال", "و", "ف"):
        if word.startswith(p) and len(word) - len(p) >= 3:
            return word[len(p):]
    return word


def count_sentence(an: Analysis, sentence: Sentence) -> Counts:
    counts = Counts()
    words = an.in_sentence(an.casualties, sentence)
    if not words:
        # nothing to count (most clauses): the loop below would not run (rasd bench, issue 8)
        return counts
    numbers = [n for n in an.in_sentence(an.numbers, sentence) if _is_count(n)]
    used_numbers: set[int] = set()
    singular, openers = _casualty_data()
    for w in words:
        kind = w.value.kind
        quantity: Mention | None = None
        victim_at: int | None = None
        if w.value.counted:
            # the number sits right before the noun, or is the noun itself (dual: "قتيلان")
            for n in numbers:
                if n.start <= w.start < n.end or w.start <= n.start < w.end:
                    quantity = n
                    break
                gap_tokens = an.token_at(w.start) - an.token_before(n.end) - 1
                if n.end <= w.start and gap_tokens < COUNT_BEFORE_WINDOW:
                    quantity = n
        else:
            first_tok = an.token_at(w.end)
            # "اختطف مسلحون من جماعة بوكو حرام 110 طالبات": a verb's object may follow its subject
            window = COUNT_AFTER_WINDOW if kind == "killed" else COUNT_AFTER_WINDOW_OBJECT
            for n in numbers:
                if n.start >= w.end and an.token_at(n.start) - first_tok < window \
                        and not _other_casualty_between(an, words, w, n):
                    quantity = n
                    break
        value: int | None = None
        if quantity is not None and id(quantity) not in used_numbers:
            used_numbers.add(id(quantity))
            q = quantity.value
            value = q.value
            if kind == "killed":
                counts.vague |= bool(getattr(q, "vague", False))
                if q.low != q.value or q.high != q.value:
                    counts.killed_low = _min(counts.killed_low, q.low)
                    counts.killed_high = max(counts.killed_high or 0, q.high)
        elif quantity is None and not w.value.counted:
            before = _count_before(an, w, numbers, used_numbers)
            nxt = an.token_at(w.end)
            if before is not None:
                # "93 عنصرا قد لقوا مصرعهم": the count is the verb's subject
                used_numbers.add(id(before))
                value = before.value.value
                quantity = before
            elif (noun := next((k for k in _object_window(an, w, kind)
                                 if _strip_clitic(an.token_text(k)) in singular), None)) is not None:
                value = 1
                victim_at = an.token_starts[noun]
                # "مقتل ضابط ومجند": one more for each singular joined by و
                k = nxt + 1
                while an.token_text(k).startswith("و") and _strip_clitic(an.token_text(k)[1:]) in singular:
                    value += 1
                    k += 1
        elif quantity is None and w.value.counted and _strip_clitic(fold(w.text)) in singular:
            value = 1       # "سقوط قتيل": one
        if value is not None and kind in ("killed", "injured", "kidnapped"):
            side = _who_after(an, quantity.end)[0] if quantity is not None else \
                _who_after(an, victim_at if victim_at is not None else w.end)[0]
            if side and side != "unknown":
                counts.victim_sides.add(side)
        if kind == "killed":
            counts.deaths_implied = True
            if value is not None:
                parts, additive = _parts_after(an, sentence, quantity, numbers, used_numbers, openers) \
                    if quantity is not None else ([], [])
                own_side, own_actor = _who_after(an, quantity.end) if quantity is not None else (None, None)
                total = value + sum(p.count for p in additive)
                if additive:
                    parts = [Part(value, own_side or "unknown", own_actor)] + additive
                elif parts and own_side:
                    # "7 مدنيين بينهم طفلان": the subset shares the total's side; the rest is the total's too
                    parts = [Part(p.count, own_side, own_actor) if p.side == "unknown" else p for p in parts]
                    if sum(p.count for p in parts) < value and all(p.side == own_side for p in parts):
                        parts = [Part(value, own_side, own_actor)]
                counts.killed_parts = parts or counts.killed_parts or \
                    ([Part(value, own_side, own_actor)] if own_side else [])
                counts.killed = max(counts.killed or 0, total)
        else:
            if value is not None:
                current = getattr(counts, kind)
                setattr(counts, kind, max(current or 0, value))
        counts.mentions.append(w)
    return counts


COUNT_SUBJECT_WINDOW = 4


def _count_before(an: Analysis, w: Mention, numbers: list[Mention], used: set[int]) -> Mention | None:
    """A count right before a death verb ("93 عنصرا … لقوا مصرعهم"), with no other casualty word between."""
    w_tok = an.token_at(w.start)
    best = None
    for n in numbers:
        if n.end <= w.start and id(n) not in used and 0 < w_tok - an.token_at(n.start) <= COUNT_SUBJECT_WINDOW \
                and _who_after(an, n.end)[0] is not None:
            best = n          # only a count of people ("93 عنصرا"), not of raids ("75 غارة أسفرت عن مقتل")
    return best


def _object_window(an: Analysis, w: Mention, kind: str) -> range:
    """Tokens where the victim noun of a casualty word may stand: right after it ("مقتل جندي"), or after the
    doer for a verb ("اغتال مسلحون مجهولون يستقلون دراجة نارية إمام مسجد"), within the sentence."""
    first = an.token_at(w.end)
    width = 1 if kind == "killed" and not fold(w.text).startswith(("اغتال", "اعدم", "ذبح")) else COUNT_AFTER_WINDOW_OBJECT
    sentence_end = an.sentences[an.sentence_of(w.start)].end
    last = first
    while last < min(first + width, len(an.tokens)) and an.token_starts[last] < sentence_end:
        last += 1
    return range(first, last)


def _min(a: int | None, b: int) -> int:
    return b if a is None else min(a, b)


def _other_casualty_between(an: Analysis, words: list[Mention], w: Mention, n: Mention) -> bool:
    return any(o is not w and w.end <= o.start < n.start and o.value.kind != w.value.kind for o in words)


def _side_after(an: Analysis, offset: int) -> str | None:
    return _who_after(an, offset)[0]


def _who_after(an: Analysis, offset: int) -> tuple[str | None, object | None]:
    """Side (and actor, when named) of the noun after a count: "11 جنديا" → state; "16 من تنظيم داعش" → ISIS."""
    i = an.token_at(offset)
    for m in an.after(an.actors, offset)[:1]:
        if an.token_at(m.start) - i <= 2:
            if getattr(m.value, "inter", None) == 7:
                return "civilian", None
            return _actor_side(m.value), m.value
    for m in an.after(an.victims, offset)[:1]:
        if an.token_at(m.start) - i <= 2:
            return getattr(m.value, "side", None), None
    return None, None


def _actor_side(actor) -> str:
    inter = getattr(actor, "inter", None)
    if inter == 1:
        return "state"
    if inter == 7:
        return "civilian"
    return "nonstate"


def _parts_after(an: Analysis, sentence: Sentence, total: Mention, numbers: list[Mention], used: set[int],
                 openers: frozenset[str]) -> tuple[list[Part], list[Part]]:
    """After a total: a breakdown ("منهم 20 … و16 … و5 مدنيين") or additive parts ("و3 جنود").

    Returns (breakdown parts, additive parts).
    """
    breakdown: list[Part] = []
    additive: list[Part] = []
    i = an.token_at(total.end)
    window = " ".join(an.token_text(k) for k in range(i, i + 4))
    in_breakdown = any(f" {o} " in f" {window} " for o in openers)
    last_end = total.end
    word_starts = an._starts_of(an.casualties)   # text order: a bisection, not a scan per number (B3)
    for n in numbers:
        if n.start < last_end or id(n) in used:
            continue
        between = an.article.text[last_end:n.start]
        between_tokens = an.token_at(n.start) - an.token_before(last_end) - 1
        next_word = bisect_left(word_starts, last_end)
        if next_word < len(word_starts) and word_starts[next_word] < n.start:
            break         # "مقتل اثنين وإصابة خمسة": the next count belongs to another casualty word
        if in_breakdown:
            if between_tokens > 12:
                break
        else:
            # additive only when joined by "و" right after the previous noun: "5 مدنيين و3 جنود"
            stripped = between.strip()
            if between_tokens > 5 or not (stripped.endswith("و") or stripped.startswith("و")):
                break
        side, actor = _who_after(an, n.end)
        if side is None and not in_breakdown:
            break
        used.add(id(n))
        part = Part(n.value.value, side or "unknown", actor)
        (breakdown if in_breakdown else additive).append(part)
        last_end = n.end
    return breakdown, additive
