"""One article after recognition: the text, its sentences and tokens, and every mention by kind.

Built once per article by ``rasd.pipeline``; the event assembler reads it. Token positions are kept in
original-text offsets so "how many words between these two mentions" is a bisect away.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from rasd.model import Article, Mention, Sentence
from rasd.text.normalise import NormalisedText
from rasd.text.tokens import Token


@dataclass
class Analysis:
    article: Article
    norm: NormalisedText
    tokens: list[Token]
    sentences: list[Sentence]
    places: list[Mention] = field(default_factory=list)
    actors: list[Mention] = field(default_factory=list)
    victims: list[Mention] = field(default_factory=list)
    sources: list[Mention] = field(default_factory=list)
    numbers: list[Mention] = field(default_factory=list)
    dates: list[Mention] = field(default_factory=list)
    triggers: list[Mention] = field(default_factory=list)
    casualties: list[Mention] = field(default_factory=list)
    cues: list[Mention] = field(default_factory=list)
    entities: list[Mention] = field(default_factory=list)
    # values derived from the mentions on demand, computed once per article (by name)
    memo: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # NormalisedText.span_to_original for each token (never empty), without a call per token
        to_original = self.norm.to_original
        self.token_starts = [to_original[t.start] for t in self.tokens]
        self.token_ends = [to_original[t.end - 1] + 1 for t in self.tokens]
        self._sentence_starts = [s.start for s in self.sentences]
        self._start_cache: dict[int, tuple[list[Mention], list[int]]] = {}

    # positions -------------------------------------------------------------------------------------
    def token_at(self, offset: int) -> int:
        """Index of the token that starts at or after ``offset``."""
        return bisect_left(self.token_starts, offset)

    def token_before(self, offset: int) -> int:
        """Index of the last token that ends at or before ``offset`` (-1 if none)."""
        return bisect_right(self.token_ends, offset) - 1

    def token_text(self, i: int) -> str:
        """Folded text of token ``i`` ('' outside the text)."""
        return self.tokens[i].text if 0 <= i < len(self.tokens) else ""

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect_right(self._sentence_starts, offset) - 1)

    def in_sentence(self, mentions: list[Mention], sentence: Sentence) -> list[Mention]:
        """Mentions starting inside the sentence; mentions are in text order, so this is two bisections
        (a scan per sentence made long articles quadratic)."""
        starts = self._starts_of(mentions)
        return mentions[bisect_left(starts, sentence.start):bisect_left(starts, sentence.end)]

    def after(self, mentions: list[Mention], offset: int) -> list[Mention]:
        """Mentions starting at or after ``offset`` (text order)."""
        return mentions[bisect_left(self._starts_of(mentions), offset):]

    def _starts_of(self, mentions: list[Mention]) -> list[int]:
        key = id(mentions)
        cached = self._start_cache.get(key)
        if cached is None or cached[0] is not mentions or len(cached[1]) != len(mentions):
            cached = (mentions, [m.start for m in mentions])
            self._start_cache[key] = cached
        return cached[1]

    def gap_text(self, end: int, start: int) -> str:
        return self.article.text[end:start]
