"""Word tokens over folded text, and the clitic readings of an Arabic word.

Tokens keep offsets into the folded text; ``NormalisedText.span_to_original`` maps them back.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, fields
from functools import lru_cache
from itertools import repeat

# Letters and digits; a number keeps its inner separators ("1,200", "3.5").
TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)

# Proclitics, outermost first: conjunctions, then prepositions. "لل" is ل + ال with the alef dropped.
CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")
ARTICLE = "ال"
MIN_STEM = 2


@dataclass(frozen=True, slots=True)
class Token:
    start: int      # offsets into the folded text
    end: int
    text: str       # folded form


# Tokens are made by setting the three slots directly: the frozen dataclass's __init__ (object.__setattr__
# per field) was most of tokenising's time, done for ~270 tokens per article (rasd bench, issue 8). Same
# objects, equal to Token(start, end, text). Each step maps a C function over all the tokens at once (no
# Python loop iteration per token).
assert [f.name for f in fields(Token)] == ["start", "end", "text"], "update tokenize() for Token's fields"
_new_token = object.__new__
_set_start, _set_end, _set_text = Token.start.__set__, Token.end.__set__, Token.text.__set__  # type: ignore[attr-defined]
_match_start, _match_end, _match_text = re.Match.start, re.Match.end, re.Match.group
_run = deque(maxlen=0).extend       # consumes an iterator in C


def tokenize(folded: str) -> list[Token]:
    matches = list(TOKEN_RE.finditer(folded))
    out = list(map(_new_token, repeat(Token, len(matches))))
    _run(map(_set_start, out, map(_match_start, matches)))
    _run(map(_set_end, out, map(_match_end, matches)))
    _run(map(_set_text, out, map(_match_text, matches)))
    return out


def strip_article(word: str) -> str:
    """Matching key of a word: the folded form without the definite article."""
    if word.startswith(ARTICLE) and len(word) - 2 >= MIN_STEM:
        return word[2:]
    return word


_CLITIC_INITIALS = frozenset(c[0] for c in CONJUNCTIONS + PREPOSITIONS + ("لل",))


@lru_cache(maxsize=50_000)
def clitic_readings(word: str) -> tuple[tuple[int, str], ...]:
    """Possible (clitic prefix length, matching key) readings of a folded word, the whole word first.

    "وبالحسكه" → (0, "وبالحسكه"), (1, "بالحسكه"), (2, "حسكه"), … The key has the article stripped.
    """
    if word[:1] not in _CLITIC_INITIALS:
        # no proclitic can start it (most words): the whole word is its one reading, without the general
        # loop below (a word met for the first time cost ~6 µs, 24 of them an article; rasd bench, issue 8)
        return ((0, strip_article(word)),) if len(word) >= MIN_STEM else ()
    # The general case, unrolled: at most one conjunction, then at most one preposition (a single letter, so
    # one test instead of a loop over the three) or لل; the first reading of a key keeps its prefix length.
    # The nested loop with a closure per reading cost ~4 µs a new word (rasd bench, issue 8).
    seen: dict[str, int] = {}
    for prefix_len, rest in ((0, word), (1, word[1:])) if word[0] in CONJUNCTIONS else ((0, word),):
        if len(rest) >= MIN_STEM:
            key = rest[2:] if rest.startswith(ARTICLE) and len(rest) - 2 >= MIN_STEM else rest
            if key not in seen:
                seen[key] = prefix_len
        if len(rest) > 2 and rest[0] in PREPOSITIONS:
            if rest[0] == "ل" and rest[1] == "ل" and len(rest) > 3:      # لل = ل + ال: the alef dropped
                stem = ARTICLE + rest[2:]
                key = stem[2:] if len(stem) - 2 >= MIN_STEM else stem
                if key not in seen:
                    seen[key] = prefix_len + 1
            stem = rest[1:]     # len > 1 = MIN_STEM
            key = stem[2:] if stem.startswith(ARTICLE) and len(stem) - 2 >= MIN_STEM else stem
            if key not in seen:
                seen[key] = prefix_len + 1
    return tuple((p, k) for k, p in seen.items())
