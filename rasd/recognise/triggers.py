"""Event triggers, casualty words and modality cues: lexicon recognisers over the shared phrase matcher.

The words live in ``rasd/recognise/data/{triggers,casualties,modality}.yaml``; this module only loads them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rasd.datafiles import read_yaml
from rasd.model import SUB_EVENT_TO_TYPE, Mention
from rasd.recognise.lexicon import PhraseLexicon
from rasd.text.normalise import NormalisedText
from rasd.text.tokens import Token

MODALITIES = ("hypothetical", "negated", "planned", "threat", "statement", "historical", "generic")
CASUALTY_KINDS = ("killed", "injured", "kidnapped", "arrested")


@dataclass(frozen=True, slots=True)
class Trigger:
    kind: str
    event_type: str
    sub_event_type: str
    strength: int


@dataclass(frozen=True, slots=True)
class CasualtyWord:
    kind: str          # killed | injured | kidnapped | arrested
    counted: bool      # the word is the counted noun ("11 قتيلا")


@dataclass(frozen=True, slots=True)
class Cue:
    modality: str
    scope: str


def _load_yaml(name: str) -> dict:
    return read_yaml("rasd.recognise.data", name)


@cache
def trigger_lexicon() -> PhraseLexicon[Trigger]:
    lex: PhraseLexicon[Trigger] = PhraseLexicon()
    for row in _load_yaml("triggers.yaml")["triggers"]:
        if SUB_EVENT_TO_TYPE.get(row["sub_event_type"]) != row["event_type"]:
            raise ValueError(f"triggers.yaml: {row['sub_event_type']!r} is not a sub-type of {row['event_type']!r}")
        trig = Trigger(row["kind"], row["event_type"], row["sub_event_type"], int(row.get("strength", 2)))
        for phrase in row["ar"]:
            lex.add(str(phrase), trig)
    return lex


@cache
def kind_types() -> dict[str, tuple[str, str]]:
    """Each trigger kind's default (event_type, sub_event_type): its first row in triggers.yaml."""
    out: dict[str, tuple[str, str]] = {}
    for row in _load_yaml("triggers.yaml")["triggers"]:
        out.setdefault(row["kind"], (row["event_type"], row["sub_event_type"]))
    return out


@cache
def casualty_lexicon() -> PhraseLexicon[CasualtyWord]:
    lex: PhraseLexicon[CasualtyWord] = PhraseLexicon()
    for row in _load_yaml("casualties.yaml")["casualties"]:
        if row["kind"] not in CASUALTY_KINDS:
            raise ValueError(f"casualties.yaml: unknown kind {row['kind']!r}")
        word = CasualtyWord(row["kind"], bool(row["counted"]))
        for phrase in row["ar"]:
            lex.add(str(phrase), word)
    return lex


@cache
def cue_lexicon() -> PhraseLexicon[Cue]:
    lex: PhraseLexicon[Cue] = PhraseLexicon()
    for row in _load_yaml("modality.yaml")["cues"]:
        if row["modality"] not in MODALITIES:
            raise ValueError(f"modality.yaml: unknown modality {row['modality']!r}")
        cue = Cue(row["modality"], row.get("scope", "before"))
        for phrase in row["ar"]:
            lex.add(str(phrase), cue)
    return lex


def _mentions(lex: PhraseLexicon, label: str, norm: NormalisedText, tokens: list[Token]) -> list[Mention]:
    out = []
    for m in lex.find(norm, tokens):
        out.append(Mention(m.start, m.end, label, norm.original[m.start:m.end], m.payloads[0]))
    return out


def find_triggers(norm: NormalisedText, tokens: list[Token]) -> list[Mention]:
    return _mentions(trigger_lexicon(), "TRIGGER", norm, tokens)


def find_casualty_words(norm: NormalisedText, tokens: list[Token]) -> list[Mention]:
    return _mentions(casualty_lexicon(), "CASUALTY", norm, tokens)


def find_cues(norm: NormalisedText, tokens: list[Token]) -> list[Mention]:
    return _mentions(cue_lexicon(), "CUE", norm, tokens)
