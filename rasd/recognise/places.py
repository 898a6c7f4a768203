"""Place mentions: gazetteer names with the context words around them.

"غربي ناحية العظيم" is the subdistrict Al-Adhaim (typed by ناحية) with a westward offset; "ريف إدلب" is the
countryside of Idlib; "قرية الطالعة" names a village the gazetteer may not hold — it is kept by name so the
resolver can fall back to the nearest known unit.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from rasd.model import Mention
from rasd.recognise.lexicon import PhraseLexicon
from rasd.text.normalise import NormalisedText, fold
from rasd.text.tokens import Token

UNKNOWN_NAME_MAX_TOKENS = 2


@dataclass(frozen=True, slots=True)
class ContextWord:
    role: str        # type | rural | direction | site
    value: str       # the level, the bearing, or the site word


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """A place as the text names it; ``candidates`` are the gazetteer entries of that name (maybe none)."""
    name: str
    candidates: tuple[Any, ...]
    typed_level: str | None = None
    rural: bool = False
    direction: str | None = None
    site: str | None = None
    context_start: int | None = None

    @property
    def known(self) -> bool:
        return bool(self.candidates)


@cache
def context_lexicon() -> PhraseLexicon[ContextWord]:
    with resources.files("rasd.recognise.data").joinpath("place_context.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    lex: PhraseLexicon[ContextWord] = PhraseLexicon()
    for level, words in data["types"].items():
        for w in words:
            lex.add(w, ContextWord("type", level))
    for w in data["rural"]:
        lex.add(w, ContextWord("rural", "rural"))
    for bearing, words in data["directions"].items():
        for w in words:
            lex.add(w, ContextWord("direction", bearing))
    for w in data["sites"]:
        lex.add(w, ContextWord("site", w))
    return lex


def find_places(norm: NormalisedText, tokens: list[Token], gazetteer) -> list[Mention]:
    """PLACE mentions (value: PlaceRef), in text order."""
    ctx_matches = context_lexicon().find(norm, tokens)
    ctx_by_end = {m.token_end: m for m in ctx_matches}
    place_matches = gazetteer.lexicon().find(norm, tokens)
    covered: set[int] = set()
    out: list[Mention] = []
    for m in place_matches:
        typed = rural = direction = site = None
        start = m.start
        j = m.token_start
        while j in ctx_by_end:
            c = ctx_by_end[j]
            for w in c.payloads:
                if w.role == "type" and typed is None:
                    typed = w.value
                elif w.role == "rural":
                    rural = True
                elif w.role == "direction" and direction is None:
                    direction = w.value
                elif w.role == "site" and site is None:
                    site = w.value
            start = c.start
            j = c.token_start
        name = norm.original[m.start:m.end]
        has_context = bool(typed or rural or direction or site)
        if not has_context and gazetteer.is_ambiguous_common_word(name):
            continue
        covered.update(range(m.token_start, m.token_end))
        out.append(Mention(m.start, m.end, "PLACE", name,
                           PlaceRef(name, tuple(m.payloads), typed, bool(rural), direction, site, start)))
    # Names after a place-type word that the gazetteer does not hold ("قرية الطالعة"): keep them by name.
    for c in ctx_matches:
        kinds = {w.role for w in c.payloads}
        if not kinds & {"type", "site"}:
            continue
        k = c.token_end
        if k >= len(tokens) or k in covered:
            continue
        n = 1
        while n < UNKNOWN_NAME_MAX_TOKENS and k + n < len(tokens) and k + n not in covered \
                and _looks_like_name_part(tokens[k + n].text) \
                and not norm.text[tokens[k + n - 1].end:tokens[k + n].start].strip():
            n += 1
        s, e = norm.span_to_original(tokens[k].start, tokens[k + n - 1].end)
        if norm.text[tokens[k - 1].end:tokens[k].start].strip():
            continue      # punctuation between the type word and the next word: no name follows
        name = norm.original[s:e]
        if not _looks_like_name_part(tokens[k].text):
            continue
        level = next((w.value for w in c.payloads if w.role == "type"), None)
        site = next((w.value for w in c.payloads if w.role == "site"), None)
        out.append(Mention(s, e, "PLACE", name, PlaceRef(name, (), level, False, None, site, c.start)))
    out.sort(key=lambda x: x.start)
    return out


def _looks_like_name_part(word: str) -> bool:
    # Arabic letters only, not a function word; digits and short particles are not village names.
    return len(word) >= 3 and word.isalpha() and word not in not_names()


@cache
def not_names() -> frozenset[str]:
    with resources.files("rasd.recognise.data").joinpath("place_context.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return frozenset(fold(w) for w in data["not_names"])
