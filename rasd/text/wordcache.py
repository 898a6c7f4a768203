"""A bounded word → value cache whose hit is one dictionary probe, in C.

``functools.lru_cache`` keeps its entries in recency order and moves one on every hit. On the per-token
lookups of an article (the phrase index's entries of ~190 distinct words, the number and date readers' of
~270 tokens) that bookkeeping touched three more scattered objects per hit and cost more than the lookup
(rasd bench, issue 8). A ``WordCache`` is a dict: ``cache[word]``, or ``map(cache.__getitem__, words)``
with no Python frame per hit; a word it lacks is computed once by ``__missing__``.

These caches only save work: the value of a word is the same whether it was kept or computed again.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class WordCache(dict, Generic[V]):
    """``cache[word]`` is ``compute(word)``, kept; emptied whole when ``max_size`` words are held (rare: a
    news stream meets ~20 new words an article, so 100,000 words last thousands of articles, and a
    recency order is not worth its cost on every hit)."""
    __slots__ = ("compute", "max_size")

    def __init__(self, compute: Callable[[str], V], max_size: int) -> None:
        super().__init__()
        self.compute = compute
        self.max_size = max_size

    def __missing__(self, word: str) -> V:
        if len(self) >= self.max_size:
            self.clear()
        value = self[word] = self.compute(word)
        return value
