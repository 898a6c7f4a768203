"""Arabic normalisation through an offset map: the original text is never modified.

Each folding is a named step that can be switched off. ``normalise(text)`` returns the folded text and,
for every folded character, the index of the original character it came from, so a span found in the
folded text maps back to ``[start, end)`` in the original.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

DIACRITICS = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0670"} | {chr(c) for c in range(0x06D6, 0x06EE)}
TATWEEL = {"\u0640"}
# Bidi controls, zero-width characters, BOM and soft hyphen carry no letters.
INVISIBLES = {"\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d",
              "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u061c", "\ufeff", "\u00ad"}

ALEF_FOLDS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"}
YEH_FOLDS = {"ى": "ي", "ی": "ي"}          # alef maqsura and Farsi yeh
TEH_MARBUTA_FOLDS = {"ة": "ه"}
HAMZA_FOLDS = {"ؤ": "و", "ئ": "ي"}
KAF_FOLDS = {"ک": "ك", "ڪ": "ك", "گ": "ك"}
DIGIT_FOLDS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
PUNCT_FOLDS = {"٫": ".", "٬": ",", "“": '"', "”": '"', "«": '"', "»": '"'}

DEFAULT_STEPS = ("presentation_forms", "diacritics", "tatweel", "invisibles", "alef", "yeh", "teh_marbuta",
                 "hamza", "kaf", "digits", "punctuation", "casefold")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """Folded text plus ``to_original[i]``: the original index of folded character ``i``."""
    text: str
    original: str
    to_original: tuple[int, ...]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the folded text to a half-open span of the original."""
        if start >= end:
            pos = self.to_original[start] if start < len(self.to_original) else len(self.original)
            return pos, pos
        return self.to_original[start], self.to_original[end - 1] + 1


@lru_cache(maxsize=8)
def _tables(steps: tuple[str, ...]) -> tuple[dict[int, str | None], frozenset[str]]:
    folds: dict[str, str] = {}
    deletes: set[str] = set()
    if "diacritics" in steps:
        deletes |= DIACRITICS
    if "tatweel" in steps:
        deletes |= TATWEEL
    if "invisibles" in steps:
        deletes |= INVISIBLES
    for name, table in (("alef", ALEF_FOLDS), ("yeh", YEH_FOLDS), ("teh_marbuta", TEH_MARBUTA_FOLDS),
                        ("hamza", HAMZA_FOLDS), ("kaf", KAF_FOLDS), ("digits", DIGIT_FOLDS),
                        ("punctuation", PUNCT_FOLDS)):
        if name in steps:
            folds.update(table)
    trans: dict[int, str | None] = {ord(c): None for c in deletes}
    trans.update({ord(k): v for k, v in folds.items()})
    return trans, frozenset(deletes)


def _is_presentation_form(ch: str) -> bool:
    o = ord(ch)
    return 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF


_PRESENTATION_FORM = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")     # as _is_presentation_form


@lru_cache(maxsize=8)
def _deleted_runs(steps: tuple[str, ...]) -> re.Pattern[str] | None:
    deletes = _tables(steps)[1]
    return re.compile("[" + "".join(re.escape(c) for c in sorted(deletes)) + "]+") if deletes else None


def _expand_presentation_forms(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    idx: list[int] = []
    for i, ch in enumerate(text):
        if _is_presentation_form(ch) and ch != "\ufeff":
            rep = unicodedata.normalize("NFKC", ch)
            out.append(rep)
            idx.extend([i] * len(rep))
        else:
            out.append(ch)
            idx.append(i)
    return "".join(out), idx


def normalise(text: str, steps: tuple[str, ...] = DEFAULT_STEPS) -> NormalisedText:
    work, base_idx, folded = _fold(text, steps)
    deleted = _deleted_runs(steps)
    if deleted is not None and len(folded) != len(work):
        # the indices between runs of deleted characters, range by range (a test per character was most
        # of the time normalising took)
        kept: list[int] | range = []
        prev = 0
        for m in deleted.finditer(work):
            kept.extend(range(prev, m.start()))
            prev = m.end()
        kept.extend(range(prev, len(work)))
    else:
        kept = range(len(work))
    if base_idx is not None:
        kept = [base_idx[i] for i in kept]
    return NormalisedText(folded, text, tuple(kept))


def _fold(text: str, steps: tuple[str, ...]) -> tuple[str, list[int] | None, str]:
    """(text with presentation forms expanded, their original indices if any were, folded text)."""
    trans = _tables(steps)[0]
    base_idx: list[int] | None = None
    work = text
    if "presentation_forms" in steps and _PRESENTATION_FORM.search(text):
        work, base_idx = _expand_presentation_forms(text)
    folded = work.translate(trans) if len(work) < REPLACE_MIN_CHARS else _replace_changed(work, steps)
    if "casefold" in steps:
        lowered = folded.lower()
        if len(lowered) == len(folded):   # İ and a few others change length: keep them as they are
            folded = lowered
    return work, base_idx, folded


# An article is folded by replacing each character the table changes that it holds (a regex finds them),
# not by str.translate, which looks every character up: half the time on ANT 2018 articles (rasd bench,
# issue 8). The same string, as the table's replacements hold no character it changes.
REPLACE_MIN_CHARS = 256


@lru_cache(maxsize=8)
def _changed_characters(steps: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    trans = _tables(steps)[0]
    changes = {chr(k): v or "" for k, v in trans.items()}
    if not changes or any(c in changes for v in changes.values() for c in v):
        return None         # a replacement would be changed again: only translate gives the table's result
    return re.compile("[" + "".join(re.escape(c) for c in sorted(changes)) + "]"), changes


def _replace_changed(text: str, steps: tuple[str, ...]) -> str:
    found = _changed_characters(steps)
    if found is None:
        return text.translate(_tables(steps)[0])
    pattern, changes = found
    for c in set(pattern.findall(text)):
        text = text.replace(c, changes[c])
    return text


def fold(text: str, steps: tuple[str, ...] = DEFAULT_STEPS) -> str:
    """Folded text alone (for lexicon keys): ``normalise(text, steps).text`` without the offset map."""
    if steps is DEFAULT_STEPS and type(text) is str and len(text) <= FOLD_CACHE_MAX_CHARS:
        return _fold_word(text)
    return _fold(text, steps)[2]


# Names and words are folded again and again (about a hundred calls an article, most of them for names
# met before), and each call paid for the step checks around str.translate: 3.8 µs a word against 0.4 µs
# for a cached one (rasd bench, issue 8). Short texts only, so that sentences do not fill the cache.
FOLD_CACHE_MAX_CHARS = 48


@lru_cache(maxsize=20_000)     # ~5 MB when full
def _fold_word(text: str) -> str:
    return _fold(text, DEFAULT_STEPS)[2]
