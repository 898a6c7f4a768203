"""Numbers in Arabic news text: digits, number words, vague and approximate quantities, ranges, duals.

``find_numbers(norm)`` returns ``NUMBER`` mentions whose value is a :class:`Quantity`. Every number is
reported, and its ``kind`` says what it counts: only ``kind == "count"`` can be a casualty figure; years,
dates, clock times, percentages, sums of money, phone numbers and ordinals are marked so that the event
assembler can skip them.

All words (number words, modifiers, nouns that count people, currencies …) live in ``data/numbers.yaml``;
month names come from ``data/dates.yaml``. The scan works on the folded text's tokens
(``rasd.text.tokens.tokenize``) and maps spans back through ``NormalisedText.span_to_original``.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from itertools import compress, count, repeat
from operator import is_not, itemgetter
from typing import Any

from rasd.datafiles import read_yaml
from rasd.model import Mention
from rasd.recognise.lexicon import token_readings
from rasd.slots import slot_setting_init
from rasd.text.normalise import DIACRITICS, TATWEEL, NormalisedText, fold
from rasd.text.tokens import ARTICLE, CONJUNCTIONS, Token, tokenize
from rasd.text.wordcache import WORD_RECORDS

LABEL = "NUMBER"
KINDS = ("count", "year", "percent", "money", "ordinal", "time", "phone", "date")

# Bounds for reading a bare four-digit number as a year rather than a count.
YEAR_MIN, YEAR_MAX = 1900, 2100
OLD_YEAR_MIN = 1000          # after "عام" / a month name any four-digit number is a year
HIJRI_YEAR_MIN, HIJRI_YEAR_MAX = 1300, 1500
PHONE_MIN_DIGITS = 7
MAX_NUMBER_CHARS = 30        # longer digit runs are not numbers
# How far after a number "على الأقل" may stand and still qualify it ("10 مدنيين فلسطينيين على الأقل").
AFTER_MODIFIER_REACH = 3
RANGE_DASHES = frozenset("-–—")
AND = CONJUNCTIONS[0]              # the conjunction that joins compound numbers and ranges
LAM = ARTICLE[1]                   # ل + ال is written لل
ARABIC_DECIMAL_MARK = "\u066b"
# Foldings that keep hamza and alef forms apart: how a word was spelled, diacritics and tatweel aside.
SPELLING_STEPS = ("presentation_forms", "diacritics", "tatweel", "invisibles", "digits", "casefold")
STARTING_CLASSES = frozenset({"units", "teen_heads", "tens", "hundreds", "big_numbers", "vague", "ordinals",
                              "dual_nouns", "multipliers"})
# The classes the scan looks for, made once: a set literal in a call is built again at every call (~45 calls
# an article; rasd bench, issue 8).
UNITS, TENS, TEEN_TAILS, VAGUE, ORDINALS, DUAL_NOUNS, MULTIPLIERS, BIG_NUMBERS, HUNDRED_MULTIPLIERS = (
    frozenset({cls}) for cls in ("units", "tens", "teen_tails", "vague", "ordinals", "dual_nouns", "multipliers",
                                 "big_numbers", "hundred_multipliers"))
ORDINAL_BLOCKERS, RANGE_CONNECTORS = frozenset({"ordinal_blockers_before"}), frozenset({"range_connectors"})
GROUP_WORDS_BELOW_HUNDRED = frozenset({"units", "teen_heads", "tens"})
GROUP_WORDS = GROUP_WORDS_BELOW_HUNDRED | {"hundreds"}
AFTER_MODIFIERS = frozenset({"at_least_after", "approximate_after"})
BEFORE_WORDS = frozenset({"approximate_before", "at_least_before", "at_most_before", "range_open", "year_before",
                          "time_before", "month", "ordinal_blockers_before"})       # read before a number
AFTER_WORDS = frozenset({"percent_after", "currency_after", "year_after", "month", "counted_singular",
                         "counted_plural", "dual_nouns", "multipliers"})           # read after a number


@slot_setting_init
@dataclass(frozen=True, slots=True, init=False)
class Quantity:
    """A number as the text gives it. ``value`` is the conservative reading (a range's lower bound)."""
    value: int
    low: int
    high: int
    approximate: bool = False
    at_least: bool = False
    vague: bool = False
    kind: str = "count"
    at_most: bool = False

    @property
    def is_count(self) -> bool:
        return self.kind == "count"


@slot_setting_init
@dataclass(frozen=True, slots=True, init=False)
class NumberSpan:
    """A recognised number with its token span (into the tokens it was found in) and original offsets."""
    token_start: int
    token_end: int
    start: int
    end: int
    quantity: Quantity


# ---------------------------------------------------------------------------------------------- data

DATA_PACKAGE = "rasd.recognise"


@cache
def load_data(name: str) -> dict[str, Any]:
    """One of the recognisers' YAML data files (``numbers.yaml``, ``dates.yaml``), parsed once."""
    data = read_yaml(DATA_PACKAGE, f"data/{name}")
    if not isinstance(data, dict) or "version" not in data:
        raise ValueError(f"{name}: expected a mapping with a 'version' key; fix the data file")
    return data


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """Folded tokens of a data-file phrase (the key every lexicon here is indexed by)."""
    return tuple(t.text for t in tokenize(fold(phrase)))


@dataclass(frozen=True, slots=True)
class Entry:
    cls: str
    payload: Any = None


@dataclass
class WordLexicon:
    """Phrases indexed by their first folded word; later words must match exactly (after folding)."""
    by_first: dict[str, list[tuple[tuple[str, ...], Entry]]] = field(default_factory=dict)
    prefixes: tuple[str, ...] = ()
    max_len: int = 1

    def add(self, phrase: str, entry: Entry) -> None:
        toks = phrase_tokens(phrase)
        if not toks:
            return
        bucket = self.by_first.setdefault(toks[0], [])
        item = (toks[1:], entry)
        if item not in bucket:
            bucket.append(item)
            bucket.sort(key=lambda it: -len(it[0]))      # the longest phrase is tried first
        self.max_len = max(self.max_len, len(toks))

    def add_all(self, phrases: Iterable[str], cls: str, payload: Any = None) -> None:
        for phrase in phrases:
            self.add(phrase, Entry(cls, payload))


@dataclass(frozen=True, slots=True)
class Reading:
    """One way to read a surface word: ``prefix`` proclitic characters, then ``stem`` (maybe after ال)."""
    prefix: int
    article: bool
    stem: str


@dataclass(frozen=True, slots=True)
class WordInfo:
    """What the lexicon knows about one surface word: its readings, the classes of the phrases they
    begin, whether it is a digit token, and whether a recogniser's expression can start at it."""
    readings: tuple[Reading, ...]
    classes: frozenset[str]
    digit: bool = False
    start: bool = False                          # begins a one-word phrase of a starting class
    start_seconds: frozenset[str] = frozenset()  # second words of the longer starting phrases it begins


NO_INFO = WordInfo((), frozenset())
NO_INFOS = (NO_INFO, NO_INFO)       # a word that neither the number nor the date recogniser can read
DIGIT_INFO = WordInfo((), frozenset(), digit=True, start=True)


def make_reader(lexicon: WordLexicon, starting: frozenset[str],
                blocked: frozenset[str] = frozenset()) -> Any:
    """A cached ``word -> WordInfo`` over the lexicon's first words (``blocked`` words read as nothing).

    ``starting`` names the classes an expression can begin with: a token whose readings begin none of
    them is skipped by the scan without further work (the scan must stay well under a millisecond).

    The shared ``clitic_readings`` strips ال from every stem, which turns آلاف ("الاف" once folded) into
    "اف"; number words need the article kept apart from the stem, so readings are made here.
    """
    firsts = lexicon.by_first
    prefixes = lexicon.prefixes
    # a word that no prefix can start is read whole only (most words; the loop tried each prefix in turn)
    initials = frozenset(p[:1] for p in prefixes)
    with_prefixes = ("",) + prefixes
    whole_only = ("",) if "" not in prefixes else with_prefixes
    # every stem read below is an ending of the word, so a word that ends as no first word does has no
    # reading (two words in three: a new word cost ~3 µs a lexicon, ~24 new words an article streaming)
    endings = frozenset(w[-3:] for w in firsts if len(w) >= 3)
    short_firsts = frozenset(w for w in firsts if len(w) < 3)
    filtered = "" not in firsts

    @lru_cache(maxsize=200_000)
    def read(word: str) -> WordInfo:
        if word[:1].isdecimal():
            return DIGIT_INFO
        if word in blocked:
            return NO_INFO
        if filtered and word[-3:] not in endings and word[-2:] not in short_firsts \
                and word[-1:] not in short_firsts:
            return NO_INFO
        out: list[Reading] = []
        for prefix in (with_prefixes if word[:1] in initials else whole_only):
            if prefix and (not word.startswith(prefix) or len(word) - len(prefix) < 2):
                continue
            p = len(prefix)
            stem = word[p:]
            if stem in firsts:
                out.append(Reading(p, False, stem))
            if stem.startswith(ARTICLE) and stem[2:] in firsts:
                out.append(Reading(p, True, stem[2:]))
            if prefix.endswith(LAM) and stem.startswith(LAM) and stem[1:] in firsts:   # لل = ل + ال
                out.append(Reading(p, True, stem[1:]))
        if not out:
            return NO_INFO
        classes = frozenset(entry.cls for r in out for _, entry in firsts[r.stem])
        single = any(not rest and entry.cls in starting for r in out for rest, entry in firsts[r.stem])
        seconds = frozenset(rest[0] for r in out for rest, entry in firsts[r.stem]
                            if rest and entry.cls in starting)
        return WordInfo(tuple(out), classes, False, single, seconds)

    return read


@dataclass
class NumberLexicon:
    words: WordLexicon
    no_article: frozenset[str]
    not_numbers: frozenset[str] = frozenset()
    exact_spellings: dict[str, frozenset[str]] = field(default_factory=dict)
    digit_clitics: frozenset[str] = frozenset()
    read: Any = None


@cache
def number_lexicon() -> NumberLexicon:
    data = load_data("numbers.yaml")
    months = load_data("dates.yaml")
    lex = WordLexicon(prefixes=tuple(fold(p) for p in data["clitic_prefixes"]))
    for cls in ("units", "teen_heads", "tens", "hundreds", "big_numbers", "multipliers", "ordinals"):
        for row in data[cls]:
            lex.add_all(row["ar"], cls, int(row["value"]))
    for row in data["vague"]:
        lex.add_all(row["ar"], "vague", (int(row["value"]), int(row["low"]), int(row["high"])))
    for cls in ("teen_tails", "hundred_multipliers", "approximate_before", "approximate_after",
                "at_least_before", "at_least_after", "at_most_before", "range_open", "range_connectors",
                "percent_after", "currency_after", "year_before", "year_after", "time_before",
                "counted_singular", "counted_plural", "dual_nouns", "ordinal_blockers_before"):
        lex.add_all(data[cls], cls)
    for row in months["months"] + months["hijri_months"]:
        lex.add_all(row["ar"], "month", int(row["month"]))
    no_article = frozenset(fold(w) for w in data["no_article"])
    exact: dict[str, set[str]] = {}
    for word in data["exact_spellings"]:
        exact.setdefault(fold(word), set()).add(fold(word, SPELLING_STEPS))
    result = NumberLexicon(lex, no_article, frozenset(fold(w) for w in data["not_numbers"]),
                           {k: frozenset(v) for k, v in exact.items()},
                           frozenset(fold(w) for w in data["digit_clitics"]))
    result.read = make_reader(lex, STARTING_CLASSES, result.not_numbers)
    return result


@cache
def _signs() -> tuple[frozenset[str], frozenset[str]]:
    data = load_data("numbers.yaml")
    return frozenset(data["percent_signs"]), frozenset(data["currency_signs"])


# ---------------------------------------------------------------------------------------------- scan

# Not frozen, like dates._Window: a frozen dataclass's __init__ sets each field through object.__setattr__,
# ~15,000 machine instructions for this one's ten (callgrind) against ~2,500, and ~6 are made an article;
# nothing keeps, hashes or changes one (rasd bench, issue 8).
@dataclass(slots=True)
class _Core:
    start_tok: int
    prefix: int            # proclitic characters of the first token not part of the number
    end_tok: int
    value: int
    low: int
    high: int
    vague: bool = False
    digits: str = ""       # the raw digit token when the number was written in digits
    kind: str = ""         # set when the shape alone decides it (date, time, phone)


class NumberScan:
    """The state of one scan over one text's tokens."""

    def __init__(self, norm: NormalisedText, tokens: list[Token]) -> None:
        self.norm = norm
        self.text = norm.text
        self.toks = tokens
        self.n = len(tokens)
        self.lex = number_lexicon()
        self.infos: list[WordInfo] = token_infos(tokens)[0]
        self.exact = self.lex.exact_spellings

    def spelled_as_listed(self, j: int, reading: Reading, allowed: frozenset[str]) -> bool:
        """Is this reading's stem written in the original with one of its listed spellings?

        Folding merges "وأحد" (and one of) with "واحد" (one) and "مئتين" (200) with "ميتين" (dead): for
        such stems the original letters (diacritics and tatweel aside) must be one of the listed spellings.
        """
        tok = self.toks[j]
        s, e = self.norm.span_to_original(tok.start + reading.prefix, tok.end)
        written = fold(self.norm.original[s:e], SPELLING_STEPS)
        if reading.article:
            written = written[1:] if written.startswith(LAM) and not written.startswith(ARTICLE) else written[2:]
        return written in allowed

    # -- small helpers
    def gap(self, j: int) -> str:
        """Text between token j-1 and token j."""
        return self.text[self.toks[j - 1].end:self.toks[j].start]

    def adjacent(self, j: int) -> bool:
        """Only whitespace between token j-1 and token j (``gap`` written out: one call less, ~40 an article)."""
        return 0 < j < self.n and not self.text[self.toks[j - 1].end:self.toks[j].start].strip()

    def match(self, j: int, classes: frozenset[str] | set[str], prefix: str = "any",
              article: bool = True) -> tuple[Entry, int, int, Reading] | None:
        """The first phrase of one of ``classes`` starting at token j: (entry, end token, prefix, reading).

        ``prefix``: "any" lets the first word carry proclitics, "none" forbids them, "conj" requires
        exactly the conjunction و (the joint of a compound number: "خمسة وعشرون").
        """
        if j >= self.n or classes.isdisjoint(self.infos[j].classes):
            return None
        word = self.toks[j].text
        for reading in self.infos[j].readings:
            if prefix == "none" and reading.prefix:
                continue
            if prefix == "conj" and not (reading.prefix == 1 and word[0] == AND):
                continue
            if reading.article and (not article or reading.stem in self.lex.no_article):
                continue
            allowed = self.exact.get(reading.stem)
            if allowed is not None and not self.spelled_as_listed(j, reading, allowed):
                continue
            for rest, entry in self.lex.words.by_first.get(reading.stem, ()):
                if entry.cls not in classes:
                    continue
                end = j + 1 + len(rest)
                if end > self.n:
                    continue
                # a one-word phrase (most) has nothing more to compare: no generator made for it
                if not rest or all(self.toks[j + 1 + k].text == w and self.adjacent(j + 1 + k)
                                   for k, w in enumerate(rest)):
                    return entry, end, reading.prefix, reading
        return None

    def match_ending(self, end: int, classes: frozenset[str] | set[str]) -> tuple[Entry, int, int] | None:
        """A phrase of ``classes`` occupying tokens [k, end) right before token ``end``: (entry, k, prefix).

        The longest phrase wins ("أكثر من" over "من").
        """
        if not self.adjacent(end):
            return None
        infos = self.infos
        for length in range(min(self.lex.words.max_len, end), 0, -1):
            k = end - length
            if classes.isdisjoint(infos[k].classes):
                continue        # match's own first test, without the call (~10 an article; rasd bench, issue 8)
            found = self.match(k, classes)
            if found and found[1] == end:
                return found[0], k, found[2]
        return None

    # -- cores
    def digits_core(self, i: int) -> _Core | None:
        tok = self.toks[i]
        raw = tok.text
        if len(raw) > MAX_NUMBER_CHARS:
            return None                # a table dump or garbage, not a number (and int() would refuse it)
        if i > 0 and self.toks[i - 1].end == tok.start and not self.infos[i - 1].digit:
            # glued to letters: a clitic ("و15", "ب3", "ال15") is fine, a model name ("إف16") is not
            if self.toks[i - 1].text not in self.lex.digit_clitics:
                return None
        if i > 0 and (dash := self.gap(i).strip()) in RANGE_DASHES and dash and not self.infos[i - 1].digit:
            return None            # "إف-16", "كوفيد-19": part of a name
        parts = raw.replace(",", ".").split(".")
        # match's own class test first (the word after a digit is rarely a multiplier), then adjacency
        mult = self.match(i + 1, MULTIPLIERS, prefix="none", article=False) \
            if i + 1 < self.n and "multipliers" in self.infos[i + 1].classes and self.adjacent(i + 1) else None
        end = i + 1
        kind = ""
        if len(parts) == 1:
            number = Decimal(int(raw))
        elif len(parts) >= 3 and not all(len(p) == 3 for p in parts[1:]):
            kind = "date"                       # 21.1.2022
            number = Decimal(int(parts[0]))
        elif len(parts) == 2 and not mult and len(parts[1]) == 2 and len(parts[0]) == 2 and (
                parts[1] == "00" or parts[0][0] == "0") and int(parts[0]) <= 24 and int(parts[1]) < 60:
            kind = "time"                       # 04.00, 13.00
            number = Decimal(int(parts[0]))
        elif len(parts) == 2 and (mult or self._decimal_mark(tok) or len(parts[1]) != 3):
            number = Decimal(f"{parts[0]}.{parts[1]}")
        else:
            number = Decimal(int("".join(parts)))  # 1,200 / 1.200 / 1,200,000
        if mult and not kind:
            number *= mult[0].payload
            end = mult[1]
        if not kind and len(parts) == 1 and len(raw) >= PHONE_MIN_DIGITS and not mult:
            kind = "phone"
        if not kind and i > 0 and self.text[self.toks[i].start - 1:self.toks[i].start] == "+":
            kind = "phone"
        value = int(number)       # 3.5 → 3: the conservative reading
        return _Core(i, 0, end, value, value, value, digits=raw, kind=kind)

    def _decimal_mark(self, tok: Token) -> bool:
        """The original separator was the Arabic decimal mark ٫ (folded to '.')."""
        sep = next(k for k, c in enumerate(tok.text) if c in ".,")
        s, _ = self.norm.span_to_original(tok.start + sep, tok.start + sep + 1)
        return self.norm.original[s:s + 1] == ARABIC_DECIMAL_MARK

    def group(self, j: int, prefix: str, allow_hundred: bool = True) -> tuple[int, int, int] | None:
        """A number below 1000 in words starting at token j: (value, end token, prefix)."""
        classes = GROUP_WORDS if allow_hundred else GROUP_WORDS_BELOW_HUNDRED
        found = self.match(j, classes, prefix)
        if found is None:
            return None
        entry, end, pre, _ = found
        value = entry.payload
        if entry.cls == "hundreds":
            return self._after_hundred(value, end, pre)
        if entry.cls == "tens":
            return value, end, pre
        if value <= 9 and self.adjacent(end) and self.match(end, TEEN_TAILS, "none", article=False):
            return value + 10, end + 1, pre
        if entry.cls == "teen_heads":
            return None
        if allow_hundred and 3 <= value <= 9 and self.adjacent(end) and self.match(
                end, HUNDRED_MULTIPLIERS, "none", article=False):
            return self._after_hundred(value * 100, end + 1, pre)
        if value <= 9 and self.adjacent(end):
            ten = self.match(end, TENS, "conj")
            if ten:
                return value + ten[0].payload, ten[1], pre
        return value, end, pre

    def _after_hundred(self, hundreds: int, j: int, pre: int) -> tuple[int, int, int]:
        if self.adjacent(j):
            below = self.group(j, "conj", allow_hundred=False)
            if below:
                return hundreds + below[0], below[1], pre
        return hundreds, j, pre

    def term(self, j: int, prefix: str) -> tuple[int, int, int, int] | None:
        """group [multiplier] | big number: (value, end token, magnitude of its last part, prefix)."""
        g = self.group(j, prefix)
        if g:
            value, end, pre = g
            if self.adjacent(end):
                mult = self.match(end, MULTIPLIERS, "none", article=False)
                if mult:
                    return value * mult[0].payload, mult[1], mult[0].payload, pre
            return value, end, 1, pre
        big = self.match(j, BIG_NUMBERS, prefix, article=False)
        if big:
            value = big[0].payload
            return value, big[1], _magnitude(value), big[2]
        return None

    def words_core(self, i: int) -> _Core | None:
        first = self.term(i, "any")
        if first is None:
            return None
        total, end, magnitude, pre = first
        while magnitude > 1 and self.adjacent(end):
            nxt = self.term(end, "conj")
            if nxt is None or nxt[0] >= magnitude:
                break
            total += nxt[0]
            end, magnitude = nxt[1], nxt[2]
        return _Core(i, pre, end, total, total, total)

    def vague_core(self, i: int) -> _Core | None:
        found = self.match(i, VAGUE)
        if found is None:
            return None
        entry, end, pre, _ = found
        value, low, high = entry.payload
        if self.adjacent(end):     # "عشرات الآلاف", "بضعة آلاف"
            mult = self.match(end, MULTIPLIERS, "none")
            if mult:
                value, low, high = value * mult[0].payload, low * mult[0].payload, high * mult[0].payload
                end = mult[1]
        return _Core(i, pre, end, value, low, high, vague=True)

    def core(self, i: int) -> _Core | None:
        if self.infos[i].digit:
            return self.digits_core(i)
        if not self.infos[i].readings:
            return None
        return self.words_core(i) or self.vague_core(i)

    # -- whole numbers
    def scan(self, within: Sequence[tuple[int, int]] | None = None) -> list[NumberSpan]:
        """The numbers of the text; with ``within``, those starting in these token ranges (see
        ``positions_within``)."""
        out: list[NumberSpan] = []
        resume = 0
        for i in scan_positions(self.toks, within):
            if i < resume or not can_start(self.infos, self.toks, i):
                continue
            span = self.number_at(i)
            if span is not None:
                out.append(span)
                resume = span.token_end
        if within is not None:
            out = [span for span in out if in_ranges(span.token_start, within)]
        return out

    def number_at(self, i: int) -> NumberSpan | None:
        info = self.infos[i]
        if not info.digit and info.readings:
            # each begins with a match of its class at i: tried only for a word that has the class
            special = self.ordinal_at(i) if "ordinals" in info.classes else None
            if special is None and "dual_nouns" in info.classes:
                special = self.dual_at(i)
            if special:
                return special
        core = self.core(i)
        if core is None:
            return None
        return self.complete(core)

    def ordinal_at(self, i: int) -> NumberSpan | None:
        found = self.match(i, ORDINALS, article=False)
        if found is None:
            return None
        entry, end, pre, _ = found
        if i > 0 and self.adjacent(i) and self.match(i - 1, ORDINAL_BLOCKERS):
            return None                    # "تشرين الأول": a month, left to the date recogniser
        value = entry.payload
        if value <= 9 and self.adjacent(end) and self.match(end, TEEN_TAILS, "none"):
            value, end = value + 10, end + 1            # "الثالث عشر"
        elif value <= 9 and self.adjacent(end):
            ten = self.match(end, TENS, "conj")      # "الحادي والعشرين"
            if ten:
                value, end = value + ten[0].payload, ten[1]
        return self.span(i, pre, end, Quantity(value, value, value, kind="ordinal"))

    def dual_at(self, i: int) -> NumberSpan | None:
        found = self.match(i, DUAL_NOUNS)
        if found is None:
            return None
        _, end, pre, _ = found
        if self.adjacent(end):             # "جنديين اثنين"
            two = self.match(end, UNITS, "none", article=False)
            if two and two[0].payload == 2:
                end = two[1]
        after = self.after_modifier(end)                 # "قتيلين على الأقل"
        approximate = bool(after and after[0] == "approximate_after")
        at_least = bool(after and after[0] == "at_least_after")
        if after and after[1] == end:
            end = after[2]
        return self.span(i, pre, end, Quantity(2, 2, 2, approximate, at_least))

    def complete(self, core: _Core) -> NumberSpan:
        """Add what surrounds a number: a second number of a range, modifiers, and the kind."""
        start_tok, pre, end = core.start_tok, core.prefix, core.end_tok
        value, low, high = core.value, core.low, core.high
        kind = core.kind
        end_char: int | None = None

        if core.digits and not kind:
            shaped = self.shaped_digits(core)
            if shaped:
                kind, end = shaped

        before = self.match_ending(start_tok, BEFORE_WORDS)
        before_cls = before[0].cls if before else ""

        # a range: "بين 10 و15", "10 إلى 15", "10-15", "من عشرة إلى خمسة عشر", "3 أو 4"
        ranged = False
        if not kind and not core.vague and end < self.n:
            other = self.range_end(end, before_cls == "range_open")
            if other is not None and other.value > value and not other.vague:
                high, end, ranged = other.value, other.end_tok, True
                low = value

        approximate = before_cls == "approximate_before"
        at_least = before_cls == "at_least_before"
        at_most = before_cls == "at_most_before"
        start_at = start_tok
        if before and (before_cls in {"approximate_before", "at_least_before", "at_most_before"}
                       or (before_cls == "range_open" and ranged)):
            start_at, pre = before[1], before[2]

        after = self.after_modifier(end)
        if after:
            cls, where, after_end = after
            approximate = approximate or cls == "approximate_after"
            at_least = at_least or cls == "at_least_after"
            if where == end:
                end = after_end
        if at_least:
            high = max(high, value)
        if at_most:
            low = 0

        if not kind:
            kind, end, end_char = self.kind_of(core, end, before_cls, approximate or at_least or at_most)
        quantity = Quantity(value if not ranged else low, low, high, approximate, at_least,
                            core.vague, kind, at_most)
        return self.span(start_at, pre, end, quantity, end_char)

    def shaped_digits(self, core: _Core) -> tuple[str, int] | None:
        """Dates ("21/1/2022", "2022-01-21") and clock times ("10:30") told by their separators."""
        i = core.start_tok
        if i + 2 < self.n and core.end_tok == i + 1:
            g1, g2 = self.gap(i + 1), self.gap(i + 2)
            if g1 == g2 and g1 in {"/", "-", "."} and self.infos[i + 1].digit and self.infos[i + 2].digit:
                a, b, c = (self.toks[k].text for k in (i, i + 1, i + 2))
                if all(x.isdecimal() for x in (a, b, c)) and (len(a) == 4 or len(c) in (2, 4)):
                    return "date", i + 3
        if i + 1 < self.n and core.end_tok == i + 1 and self.gap(i + 1) == ":" and self.infos[i + 1].digit:
            return "time", i + 2
        return None

    def range_end(self, j: int, opened: bool) -> _Core | None:
        if self.infos[j].digit and (dash := self.gap(j).strip()) in RANGE_DASHES and dash:
            return self.digits_core(j)
        if not self.adjacent(j):
            return None
        conn = self.match(j, RANGE_CONNECTORS, "none")
        if conn and conn[1] < self.n and self.adjacent(conn[1]):
            return self.core(conn[1])
        if opened:
            if self.toks[j].text == AND and j + 1 < self.n and self.toks[j].end == self.toks[j + 1].start:
                return self.core(j + 1) if self.infos[j + 1].digit else None
            if self.toks[j].text.startswith(AND):
                return self.core(j)
        return None

    def after_modifier(self, end: int) -> tuple[str, int, int] | None:
        """"على الأقل" / "تقريبا" within a few words after the number: (class, where, end token)."""
        for j in range(end, min(end + AFTER_MODIFIER_REACH, self.n)):
            if j > end and (not self.adjacent(j) or self.infos[j].digit):
                break
            if j == end and not self.adjacent(j):
                break
            if AFTER_MODIFIERS.isdisjoint(self.infos[j].classes):
                continue        # match's own first test, without the call
            found = self.match(j, AFTER_MODIFIERS)
            if found:
                return found[0].cls, j, found[1]
        return None

    def kind_of(self, core: _Core, end: int, before_cls: str,
                qualified: bool) -> tuple[str, int, int | None]:
        """count, year, percent, money, time, phone or date: (kind, end token, end char or None)."""
        percent_signs, currency_signs = _signs()
        last = self.toks[end - 1]
        follow = self.text[last.end:last.end + 2].lstrip(" ")[:1]
        if follow and follow in percent_signs:
            return "percent", end, self.text.index(follow, last.end) + 1
        # as in digits_core: the class test first, then adjacency, then the call
        nxt = self.match(end, AFTER_WORDS) if end < self.n and not AFTER_WORDS.isdisjoint(self.infos[end].classes) \
            and self.adjacent(end) else None
        nxt_cls = nxt[0].cls if nxt else ""
        if nxt_cls == "percent_after":
            return "percent", nxt[1], None
        if nxt_cls == "currency_after":
            return "money", end, None
        start = self.toks[core.start_tok].start
        if self.text[max(0, start - 2):start].strip(" ")[-1:] in currency_signs:
            return "money", end, None
        if before_cls == "time_before" and core.value <= 24:
            return "time", end, None
        if nxt_cls == "month" and 1 <= core.value <= 31 and core.digits:
            return "date", end, None
        raw = core.digits
        if raw.isdecimal() and len(raw) == 4:
            if nxt_cls == "year_after" and (YEAR_MIN <= core.value <= YEAR_MAX
                                            or HIJRI_YEAR_MIN <= core.value <= HIJRI_YEAR_MAX):
                return "year", end, None
            if before_cls in {"year_before", "month"} and OLD_YEAR_MIN <= core.value <= YEAR_MAX:
                return "year", end, None                  # "في عام 1877"
            if YEAR_MIN <= core.value <= YEAR_MAX and (
                    (not qualified and nxt_cls not in {"counted_singular", "counted_plural", "dual_nouns",
                                                          "multipliers"})):
                return "year", end, None
        return "count", end, None

    def span(self, start_tok: int, prefix: int, end_tok: int, quantity: Quantity,
             end_char: int | None = None) -> NumberSpan:
        s = self.toks[start_tok].start + prefix
        e = end_char if end_char is not None else self.toks[end_tok - 1].end
        os_, oe = to_original(self.norm, s, e)
        return NumberSpan(start_tok, end_tok, os_, oe, quantity)


MARKS = frozenset(DIACRITICS | TATWEEL)


def to_original(norm: NormalisedText, start: int, end: int) -> tuple[int, int]:
    """Map a folded span to the original, keeping the last letter's diacritics and tatweel ("عَشَرَ", "هـ")."""
    s, e = norm.span_to_original(start, end)
    original = norm.original
    while e < len(original) and original[e] in MARKS:
        e += 1
    return s, e


def _magnitude(value: int) -> int:
    """The place of a big number's last part: 1000 for ألف/ألفين, a million for مليون …"""
    magnitude = 1
    while value % (magnitude * 1000) == 0 and value >= magnitude * 1000:
        magnitude *= 1000
    return magnitude


# ---------------------------------------------------------------------------------------------- API

def number_spans(norm: NormalisedText, tokens: list[Token] | None = None,
                 within: Sequence[tuple[int, int]] | None = None) -> list[NumberSpan]:
    """Every number in the text with its token span (``tokens`` default to ``tokenize(norm.text)``); with
    ``within``, only those that start in these token ranges ``[first, end)`` (sorted, apart)."""
    if not isinstance(norm, NormalisedText):
        raise TypeError(f"expected rasd.text.normalise.normalise(text), not {type(norm).__name__}")
    if tokens is None:
        tokens = tokenize(norm.text)
    if not tokens:
        return []
    return number_scan(norm, tokens).scan(within)


# A caller that reads the numbers or dates of some clauses only (the pipeline: counts where casualty words
# are, dates where an event may be) has them scanned there alone, so that the three clauses in four where
# nothing reads them cost nothing (rasd bench, issue 8). An expression that runs into a range from before
# it must be read as a scan of the whole text reads it, so each range is scanned from this many tokens
# earlier (longer than any expression the two grammars build); what starts there is then left out.
SCAN_LOOKBACK_TOKENS = 16


def scan_positions(tokens: list[Token], within: Sequence[tuple[int, int]] | None) -> list[int]:
    """The tokens a scan tries, in order: those either grammar reads (a token read as NO_INFO starts
    nothing), in ``within`` (widened, see ``positions_within``) when it is given."""
    positions = read_positions(tokens)
    return positions if within is None else positions_within(positions, within)


def can_start(infos: list[WordInfo], tokens: list[Token], i: int) -> bool:
    """Can an expression start at token ``i``: its word starts one, alone or with the next word?"""
    info = infos[i]
    return info.start or bool(info.start_seconds and i + 1 < len(tokens)
                              and tokens[i + 1].text in info.start_seconds)


def positions_within(positions: list[int], within: Sequence[tuple[int, int]]) -> list[int]:
    """The ``positions`` (in order) inside the ranges ``[first, end)`` of ``within`` (sorted, apart), each
    range widened by SCAN_LOOKBACK_TOKENS to the left."""
    out: list[int] = []
    taken = 0           # positions before this index are out already
    for first, end in within:
        lo = max(bisect_left(positions, first - SCAN_LOOKBACK_TOKENS), taken)
        hi = bisect_left(positions, end)
        out += positions[lo:hi]
        taken = max(taken, hi)
    return out


def in_ranges(i: int, within: Sequence[tuple[int, int]]) -> bool:
    """Is token ``i`` in one of the ranges ``[first, end)`` (sorted, apart)?"""
    k = bisect_right(within, (i, float("inf"))) - 1
    return k >= 0 and within[k][0] <= i < within[k][1]


# The number and date recognisers each looked every token up in their own word cache (200,000 words each):
# ~7 % of the rules-only CPU time, most of it fetching the rare words' entries from memory three times over
# (with the phrase lexicons' index). One cache answers both now, for each token list once (rasd bench,
# issue 8). The lexicons' own ``read`` stay for single words.
@cache
def _joint_reader() -> Any:
    # imported here: the date recogniser imports this module
    from rasd.recognise.dates import date_lexicon
    read_number, read_date = number_lexicon().read.__wrapped__, date_lexicon().read.__wrapped__

    def read(word: str) -> tuple[WordInfo, WordInfo]:
        number, date = read_number(word), read_date(word)
        if number is NO_INFO and date is NO_INFO:
            return NO_INFOS     # most words: one shared pair, not a tuple per word for the collector to walk
        return number, date

    # kept in the words' shared records: the phrase index fetched them for the same words just before
    return read, itemgetter(WORD_RECORDS.add_reader(read, NO_INFOS))


_last_infos: tuple[list[Token], int, list[WordInfo], list[WordInfo], list[int]] | None = None


def token_infos(tokens: list[Token]) -> tuple[list[WordInfo], list[WordInfo]]:
    """Each token's WordInfo for the number recogniser and for the date recogniser (the last token list's
    are reused: the same list object and length)."""
    return _token_infos(tokens)[2:4]


def read_positions(tokens: list[Token]) -> list[int]:
    """Indexes of the tokens the number or the date recogniser reads (``token_infos`` not NO_INFO for one
    of them), in order: the only tokens either scan can start an expression at.

    Both scans looped over every token (~220 an article) to skip the four in five that neither reads:
    ~0.1 ms an article under cProfile, now one pass in C shared by both (rasd bench, issue 8)."""
    return _token_infos(tokens)[4]


def _token_infos(tokens: list[Token]) -> tuple[list[Token], int, list[WordInfo], list[WordInfo], list[int]]:
    global _last_infos
    last = _last_infos
    if last is not None and last[0] is tokens and last[1] == len(tokens):
        return last
    infos_in = _joint_reader()[1]
    # the records the phrase index fetched for the article's words, from its small dict: a probe of the large
    # word cache per token was mostly waiting on memory (rasd bench, issue 8)
    readings = token_readings(tokens)
    pairs = list(map(infos_in, map(readings.records.__getitem__, readings.texts)))
    positions = list(compress(count(), map(is_not, pairs, repeat(NO_INFOS))))
    # most tokens read as NO_INFO for both: only the others' infos are set (two passes over every token,
    # one per recogniser's list, were a fifth of this function's work)
    numbers, dates = [NO_INFO] * len(pairs), [NO_INFO] * len(pairs)
    for i in positions:
        numbers[i], dates[i] = pairs[i]
    last = _last_infos = (tokens, len(tokens), numbers, dates, positions)
    return last



# The last scan made: the date recogniser reads numbers over the same text and token list right after the
# number recogniser, and a scan only reads its tokens once made (its per-token word lookups were 5 % of the
# rules-only CPU time, made twice for two articles in five; rasd bench, issue 8). Holding it keeps its
# objects alive, so an identity check cannot be fooled by a reused address.
_last_scan: NumberScan | None = None


def number_scan(norm: NormalisedText, tokens: list[Token]) -> NumberScan:
    """A NumberScan of ``tokens`` (the last one made when it was over the same objects and length)."""
    global _last_scan
    last = _last_scan
    if last is not None and last.norm is norm and last.toks is tokens and last.n == len(tokens):
        return last
    last = NumberScan(norm, tokens)
    _last_scan = last
    return last


def find_numbers(norm: NormalisedText, tokens: list[Token] | None = None,
                 within: Sequence[tuple[int, int]] | None = None) -> list[Mention]:
    """``NUMBER`` mentions (value: :class:`Quantity`) with offsets into the original text; with ``within``,
    only those starting in these token ranges ``[first, end)`` (sorted, apart)."""
    spans = number_spans(norm, tokens, within)
    original = norm.original
    return [Mention(s.start, s.end, LABEL, original[s.start:s.end], s.quantity)
            for s in spans]


def singular_count(word: str) -> int | None:
    """1 for a singular noun that counts people ("جندي" in "مقتل جندي"), 2 for a dual ("جنديين"), else None.

    The word may carry proclitics and the article ("والجندي"). Deciding that "مقتل جندي" means one death
    is the caller's job; this only says what the noun's form counts.
    """
    lex = number_lexicon()
    words = tokenize(fold(word))
    if len(words) != 1:
        return None
    for reading in lex.read(words[0].text).readings:
        for rest, entry in lex.words.by_first.get(reading.stem, ()):
            if rest:
                continue
            if entry.cls == "dual_nouns":
                return 2
            if entry.cls == "counted_singular":
                return 1
    return None
