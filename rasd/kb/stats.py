"""Counts of the packaged gazetteer by country and level (behind `rasd kb stats`)."""
from __future__ import annotations

from collections import Counter

from rasd.kb.gazetteer import LEVEL_RANK, load_gazetteer


def kb_stats() -> list[tuple[str, str, int]]:
    """(country name, level, number of places), by country then admin level."""
    gaz = load_gazetteer()
    counts = Counter((p.country, p.level) for p in gaz.places)
    return sorted(((c, lvl, n) for (c, lvl), n in counts.items()), key=lambda r: (r[0], LEVEL_RANK[r[1]]))


def named_share() -> list[tuple[str, int, int]]:
    """(country name, places, places with an Arabic name): how much of each country the recogniser can find."""
    gaz = load_gazetteer()
    total: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for p in gaz.places:
        total[p.country] += 1
        named[p.country] += bool(p.name_ar)
    return sorted((c, total[c], named[c]) for c in total)
