"""Phrase matching over clitic-aware tokens: the one mechanism behind every lexicon recogniser.

A lexicon maps Arabic phrases to payloads. Phrases and text are folded (``rasd.text.normalise``) and
tokenised the same way; the first word of a phrase may carry proclitics in the text ("وبالحسكة"),
the article is ignored on every word, and a two-word phrase also matches written as one word
("البو كمال" / "البوكمال").
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rasd.text.normalise import NormalisedText, fold
from rasd.text.tokens import Token, clitic_readings, strip_article, tokenize

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class PhraseMatch(Generic[P]):
    start: int              # offsets into the ORIGINAL text, clitics excluded
    end: int
    token_start: int        # token indices [token_start, token_end)
    token_end: int
    payloads: tuple[P, ...]


def phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(strip_article(t.text) for t in tokenize(fold(phrase)))


class PhraseLexicon(Generic[P]):
    def __init__(self, entries: Iterable[tuple[str, P]] = ()) -> None:
        self._phrases: dict[tuple[str, ...], list[P]] = {}
        self._max_len: dict[str, int] = {}
        for phrase, payload in entries:
            self.add(phrase, payload)

    def add(self, phrase: str, payload: P) -> None:
        key = phrase_key(phrase)
        if not key:
            return
        bucket = self._phrases.setdefault(key, [])
        if payload not in bucket:
            bucket.append(payload)
        self._max_len[key[0]] = max(self._max_len.get(key[0], 0), len(key))
        if len(key) == 2:   # the same name written as one word
            joined = (key[0] + key[1],)
            jb = self._phrases.setdefault(joined, [])
            if payload not in jb:
                jb.append(payload)
            self._max_len[joined[0]] = max(self._max_len.get(joined[0], 0), 1)

    def __len__(self) -> int:
        return len(self._phrases)

    def get(self, phrase: str) -> list[P]:
        return list(self._phrases.get(phrase_key(phrase), ()))

    def find(self, norm: NormalisedText, tokens: list[Token] | None = None,
             longest_only: bool = True) -> list[PhraseMatch[P]]:
        """All matches, left to right; with ``longest_only`` overlapping shorter matches are dropped."""
        if tokens is None:
            tokens = tokenize(norm.text)
        found: list[PhraseMatch[P]] = []
        for i, tok in enumerate(tokens):
            best: tuple[int, int, list[P]] | None = None
            for prefix_len, first in clitic_readings(tok.text):
                max_len = self._max_len.get(first)
                if not max_len:
                    continue
                for n in range(min(max_len, len(tokens) - i), 0, -1):
                    if n > 1 and not _adjacent(norm.text, tokens, i, i + n):
                        continue
                    # the following words' keys only when a phrase starts here: most tokens start none, and
                    # computing every token's key up front cost ~20% of extraction (rasd bench, issue 8)
                    key = (first,) + tuple(strip_article(t.text) for t in tokens[i + 1:i + n])
                    payloads = self._phrases.get(key)
                    if payloads:
                        if best is None or n > best[1]:
                            best = (prefix_len, n, payloads)
                        break
            if best is not None:
                prefix_len, n, payloads = best
                s, e = norm.span_to_original(tok.start + prefix_len, tokens[i + n - 1].end)
                found.append(PhraseMatch(s, e, i, i + n, tuple(payloads)))
        if longest_only:
            found = drop_overlaps(found)
        return found


def _adjacent(text: str, tokens: list[Token], i: int, j: int) -> bool:
    """Tokens i..j-1 are separated by spaces (or a hyphen) only, not punctuation."""
    for k in range(i + 1, j):
        gap = text[tokens[k - 1].end:tokens[k].start]
        if gap.strip(" -\u00a0"):
            return False
    return True


def drop_overlaps(matches: list[PhraseMatch[P]], rank=None) -> list[PhraseMatch[P]]:
    """Keep non-overlapping matches, best first by ``rank`` (default: longest, then leftmost); text order out."""
    ordered = sorted(matches, key=rank or (lambda m: (-(m.token_end - m.token_start), m.token_start)))
    taken: set[int] = set()
    kept: list[PhraseMatch[P]] = []
    for m in ordered:
        span = set(range(m.token_start, m.token_end))
        if span & taken:
            continue
        taken |= span
        kept.append(m)
    return sorted(kept, key=lambda m: m.token_start)
