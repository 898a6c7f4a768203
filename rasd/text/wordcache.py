"""One record per word for the per-token readers, found by one dictionary probe, in C.

``functools.lru_cache`` keeps its entries in recency order and moves one on every hit. On the per-token
lookups of an article (the phrase index's entries of ~190 distinct words, the number and date readers' of
~270 tokens) that bookkeeping touched three more scattered objects per hit and cost more than the lookup
(rasd bench, issue 8). ``WordRecords`` is a dict: ``records[word]``, or ``map(records.__getitem__, words)``
with no Python frame per hit; a word it lacks is read once by ``__missing__``.

The records only save work: a word's values are the same whether they were kept or read again.
"""
from __future__ import annotations

import operator
from collections.abc import Callable


class WordRecords(dict):
    """``records[word]``: a tuple with one value per registered reader (``add_reader`` gives its index),
    computed together the first time the word is met.

    The phrase index and the number and date readers each looked every word up in a cache of its own: two
    probes of two large dictionaries per word, each mostly a fetch from memory. One probe now answers
    both, and the second reader of an article finds the records just fetched by the first (rasd bench,
    issue 8). A word every reader finds nothing in (most) shares one record. Emptied whole when full.
    """
    __slots__ = ("empties", "max_size", "readers")

    def __init__(self, max_size: int) -> None:
        super().__init__()
        self.readers: tuple[Callable[[str], object], ...] = ()
        self.empties: tuple[object, ...] = ()
        self.max_size = max_size

    def add_reader(self, compute: Callable[[str], object], empty: object) -> int:
        """Register ``compute`` (``empty``: the value it gives most words); the index of its value."""
        self.readers += (compute,)
        self.empties += (empty,)
        self.clear()                # the records made so far lack the new value
        return len(self.readers) - 1

    def __missing__(self, word: str) -> tuple[object, ...]:
        if len(self) >= self.max_size:
            self.clear()
        record = tuple([read(word) for read in self.readers])
        empties = self.empties
        if all(map(operator.is_, record, empties)):
            record = empties
        self[word] = record
        return record


# The one instance the recognisers share. A stream meets ~20 new words an article (70,000 in the first 3,000
# ANT articles); a record costs ~150 bytes (most share the empty record), so 200,000 words hold ~30 MB, less
# than the lru caches it replaces (200,000 number/date pairs with their links, 50,000 phrase entries).
WORD_RECORDS = WordRecords(200_000)
