"""Phrase matching over clitic-aware tokens: the one mechanism behind every lexicon recogniser.

A lexicon maps Arabic phrases to payloads. Phrases and text are folded (``rasd.text.normalise``) and
tokenised the same way; the first word of a phrase may carry proclitics in the text ("وبالحسكة"),
the article is ignored on every word, and a two-word phrase also matches written as one word
("البو كمال" / "البوكمال").
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress, count
from operator import itemgetter
from typing import Generic, TypeVar

from rasd.slots import slot_setting_init
from rasd.text.normalise import NormalisedText, fold
from rasd.text.tokens import ARTICLE, MIN_STEM, Token, clitic_readings, strip_article, tokenize
from rasd.text.wordcache import WORD_RECORDS

P = TypeVar("P")


@slot_setting_init     # ~40 matches an article: the frozen dataclass's own __init__ cost more than the rest
@dataclass(frozen=True, slots=True, init=False)
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
        self._continued: set[tuple[str, ...]] = set()     # proper prefixes of the phrases' keys
        for phrase, payload in entries:
            self.add(phrase, payload)

    def add(self, phrase: str, payload: P) -> None:
        key = phrase_key(phrase)
        if not key:
            return
        bucket = self._phrases.setdefault(key, [])
        if payload not in bucket:
            bucket.append(payload)
        if key[0] not in _indexed_keys:
            index_keys((key[0],))
        self._max_len[key[0]] = max(self._max_len.get(key[0], 0), len(key))
        self._continued.update(key[:j] for j in range(1, len(key)))
        if len(key) == 2:   # the same name written as one word
            joined = (key[0] + key[1],)
            jb = self._phrases.setdefault(joined, [])
            if payload not in jb:
                jb.append(payload)
            if joined[0] not in _indexed_keys:
                index_keys(joined)
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
        readings = token_readings(tokens)
        # only the tokens with a reading that starts one of this lexicon's phrases are looked at: a set
        # intersection in C instead of a dictionary probe per token and reading (rasd bench, issue 8)
        firsts = self._max_len.keys() & readings.by_key.keys()
        if not firsts:
            return []
        by_key, positions = readings.by_key, readings.positions
        starts = sorted((i, rank, prefix_len, first) for first in firsts
                        for word, rank, prefix_len in by_key[first] for i in positions[word])
        text = norm.text
        to_original = norm.to_original
        phrases, continued = self._phrases, self._continued
        found: list[PhraseMatch[P]] = []
        n_tokens = len(tokens)
        best_prefix = best_len = 0
        best_payloads: list[P] | None = None
        current = -1
        for i, _rank, prefix_len, first in starts:     # token order, then the token's reading order
            if i != current:
                if best_payloads is not None:
                    found.append(_phrase_match(to_original, tokens, current, best_prefix, best_len, best_payloads))
                    best_payloads = None
                current = i
            # the longest phrase from here: extend word by word while the words are adjacent (spaces or a
            # hyphen between them) and the key so far begins a longer phrase
            key = (first,)
            payloads = phrases.get(key)
            longest, longest_payloads = (1, payloads) if payloads else (0, None)
            if key in continued:
                n = 1
                while i + n < n_tokens:
                    following = tokens[i + n]
                    word = following.text       # its matching key, as strip_article (inlined: hot loop)
                    longer = key + (word[2:] if word.startswith(ARTICLE) and len(word) - 2 >= MIN_STEM else word,)
                    payloads = phrases.get(longer)
                    # the words must make a phrase or begin one, and be adjacent: the cheaper test first (nine
                    # extensions in ten fail on the words; rasd bench, issue 8)
                    if not payloads and longer not in continued \
                            or text[tokens[i + n - 1].end:following.start].strip(" -\u00a0"):
                        break
                    key = longer
                    n += 1
                    if payloads:
                        longest, longest_payloads = n, payloads
                    if key not in continued:
                        break
            if longest and (best_payloads is None or longest > best_len):
                best_prefix, best_len, best_payloads = prefix_len, longest, longest_payloads
        if best_payloads is not None:
            found.append(_phrase_match(to_original, tokens, current, best_prefix, best_len, best_payloads))
        if longest_only:
            found = drop_overlaps(found)
        return found


def _phrase_match(to_original: tuple[int, ...], tokens: list[Token], i: int, prefix_len: int, n: int,
                  payloads: list[P]) -> PhraseMatch[P]:
    """The match of ``n`` tokens from token ``i``, its first ``prefix_len`` characters (clitics) left out
    (``norm.span_to_original`` inlined: a token is never empty)."""
    return PhraseMatch(to_original[tokens[i].start + prefix_len], to_original[tokens[i + n - 1].end - 1] + 1,
                       i, i + n, tuple(payloads))


# The matching keys a phrase can start with: every PhraseLexicon's first words, and the keys other scanners
# of TokenReadings.by_key ask for (``index_keys``). It only ever grows. TokenReadings indexes these readings
# alone: most words have none, and each lexicon's intersection with the index then runs over a few dozen
# keys instead of ~300 an article (building the full index and intersecting it was a fifth of the rules-only
# CPU time; rasd bench, issue 8).
_indexed_keys: set[str] = set()
_index_version = 0


def index_keys(keys: Iterable[str]) -> None:
    """Make these matching keys visible in ``TokenReadings.by_key`` (a lexicon's first words are already)."""
    global _index_version
    if _indexed_keys.issuperset(keys):
        return
    new = set(keys) - _indexed_keys
    if new:
        _indexed_keys.update(new)
        _index_version += 1
        WORD_RECORDS.clear()     # the words' entries were filtered by the smaller set


class TokenReadings:
    """The clitic readings of each distinct word of a token list indexed by matching key (the keys some
    phrase can start with, see ``index_keys``), and where each word with such a reading stands: computed
    once per token list and shared by all the lexicons that scan it (about ten per article). It keeps the
    tokens' texts and the records of their distinct words (``records``: a small dict) for the number and date
    readers, which would otherwise probe the large word cache again, token by token."""
    __slots__ = ("by_key", "length", "positions", "readers", "records", "texts", "tokens", "version")

    def __init__(self, tokens: list[Token]) -> None:
        texts = [tok.text for tok in tokens]
        by_key: defaultdict[str, list[tuple[str, int, int]]] = defaultdict(list)
        # the positions of the words with an indexed reading only (a fifth of them): the others are found
        # by no lexicon, and a list for each distinct word was a quarter of this index's cost
        positions: dict[str, list[int]] = {}
        words = dict.fromkeys(texts)
        records = list(map(WORD_RECORDS.__getitem__, words))
        for entries in filter(None, map(_entries_in, records)):     # most words have none
            positions[entries[0][1][0]] = []
            for key, entry in entries:
                by_key[key].append(entry)
        if positions:
            for i in compress(count(), map(positions.__contains__, texts)):
                positions[texts[i]].append(i)
        self.tokens = tokens
        self.length = len(tokens)
        self.positions = positions
        self.by_key = by_key
        self.version = _index_version
        self.texts = texts
        self.records = dict(zip(words, records))
        self.readers = len(WORD_RECORDS.readers)    # a reader registered since makes the records short


def _entries_of(word: str) -> tuple[tuple[str, tuple[str, int, int]], ...]:
    """(matching key, (word, reading rank, clitic prefix length)) for each clitic reading of a word whose
    key is indexed (the rank counts all the word's readings)."""
    indexed = _indexed_keys
    readings = clitic_readings(word)
    if len(readings) == 1:      # most words (no proclitic): no generator
        prefix_len, key = readings[0]
        return ((key, (word, 0, prefix_len)),) if key in indexed else ()
    return tuple((key, (word, rank, prefix_len)) for rank, (prefix_len, key) in enumerate(readings)
                 if key in indexed)


# each word's entries, computed once and kept in the word's record (shared with the number and date
# readers: one dictionary probe per distinct word of an article); emptied when a lexicon adds indexed keys
_entries_in = itemgetter(WORD_RECORDS.add_reader(_entries_of, ()))


# The readings of the last token list scanned: the pipeline hands the same list to every recogniser of an
# article. Holding it keeps the list alive, so an identity check cannot be fooled by a reused address.
_last_readings: TokenReadings | None = None


def token_readings(tokens: list[Token]) -> TokenReadings:
    """The shared readings of ``tokens`` (the same list object and length as the last call: reused)."""
    global _last_readings
    last = _last_readings
    if last is not None and last.tokens is tokens and last.length == len(tokens) \
            and last.version == _index_version and last.readers == len(WORD_RECORDS.readers):
        return last     # no lexicon and no word reader has been added since
    last = TokenReadings(tokens)
    _last_readings = last
    return last


def drop_overlaps(matches: list[PhraseMatch[P]], rank=None) -> list[PhraseMatch[P]]:
    """Keep non-overlapping matches, best first by ``rank`` (default: longest, then leftmost); text order out."""
    end = -1
    for m in matches:
        if m.token_start < end:
            break
        end = m.token_end
    else:
        return list(matches)    # already in text order and apart (most lists): every match is kept
    ordered = sorted(matches, key=rank or _longest_first)
    taken: set[int] = set()
    kept: list[PhraseMatch[P]] = []
    for m in ordered:
        span = range(m.token_start, m.token_end)
        if taken.isdisjoint(span):
            taken.update(span)
            kept.append(m)
    kept.sort(key=_token_start)
    return kept


def _longest_first(m: PhraseMatch) -> tuple[int, int]:
    return -(m.token_end - m.token_start), m.token_start


def _token_start(m: PhraseMatch) -> int:
    return m.token_start
