"""Readers for the Arabic NER corpora, each mapped to rasd's coarse types (PER, LOC, ORG, MISC).

ANERcorp is the benchmark, so its conventions win: GPE is folded into LOC, as ANERcorp does.
The CAMeL Lab test split is the tail of ANERCorp.txt; ``split_anercorp`` cuts it off by aligning the
two files token by token (see its docstring), and ``exclude_text_of`` drops NewsFANE sentences that
repeat test text (NewsFANE re-annotates the same newswire, in another document order).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rasd.text.normalise import fold


@dataclass(frozen=True, slots=True)
class TaggedSentence:
    tokens: tuple[str, ...]
    labels: tuple[str, ...]     # BIO over PER/LOC/ORG/MISC


class CorpusFormatError(ValueError):
    """A corpus file does not look like the format its reader expects."""


ANERCORP_TYPES = {"PERS": "PER", "PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}

# NewsFANE's fine types (Alotaibi & Lee 2014, ACE-like taxonomy) → ANERcorp's coarse ones. Facilities
# (buildings, airports, paths) are places in ANERcorp; Group (an ACE PER subtype: "the Palestinians")
# is not an entity in ANERcorp, nor are products and vehicles, which would only teach the model
# NewsFANE's wider notion of MISC, so they map to O.
NEWSFANE_TYPES = {
    **{t: "PER" for t in ("Politician", "Athlete", "Artist", "Other_PER", "Religious_PER", "Scientist",
                          "Businessperson", "Lawyer", "Engineer", "Police_PER")},
    **{t: "LOC" for t in ("Nation", "Population-Center", "State-or-Province", "County-or-District",
                          "GPE-Cluster", "Continent", "Water-Body", "Land-Region-Natural", "Land",
                          "Celestial", "Building-Grounds", "Airport", "Path", "Subarea-Facility")},
    **{t: "ORG" for t in ("Non-Governmental", "Sports", "Government", "Media", "Commercial",
                          "Educational", "Police", "Religious_ORG", "Medical-Science", "Entertainment")},
    **{t: "MISC" for t in ("Book", "Movie", "Software")},
}

# Wojood's outer (flat) entity types → coarse. NORP, OCC, DATE, TIME, money and quantities are not
# ANERcorp entities.
WOJOOD_TYPES = {"PERS": "PER", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "ORG": "ORG", "EVENT": "MISC",
                "LANGUAGE": "MISC"}

SENTENCE_END = {".", "!", "?", "؟"}
# Bidi marks that some corpora glue onto tokens (ANERcorp's "\u200fوهو", NewsFANE's "\u200eقال").
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\ufeff]")


def _clean(token: str) -> str:
    return _BIDI.sub("", token).strip()


def _map_label(label: str, types: dict[str, str]) -> str:
    prefix, _, typ = label.partition("-")
    if prefix not in ("B", "I") or typ not in types:
        return "O"
    return prefix + "-" + types[typ]


def repair_bio(labels: Sequence[str]) -> tuple[str, ...]:
    """An ``I-X`` that does not follow ``B-X``/``I-X`` becomes ``B-X`` (dropped types leave such gaps)."""
    out: list[str] = []
    for label in labels:
        if label.startswith("I-") and (not out or out[-1] == "O" or out[-1][2:] != label[2:]):
            label = "B-" + label[2:]
        out.append(label)
    return tuple(out)


def _sentences_by_full_stop(pairs: Iterable[tuple[str, str]]) -> list[TaggedSentence]:
    """Cut a stream without sentence breaks after each sentence-final mark outside an entity."""
    out: list[TaggedSentence] = []
    tokens: list[str] = []
    labels: list[str] = []
    for token, label in pairs:
        tokens.append(token)
        labels.append(label)
        if token in SENTENCE_END and label == "O":
            out.append(TaggedSentence(tuple(tokens), repair_bio(labels)))
            tokens, labels = [], []
    if tokens:
        out.append(TaggedSentence(tuple(tokens), repair_bio(labels)))
    return out


def read_token_label_lines(path: Path, sep: str | None = None) -> list[tuple[str, str] | None]:
    """``token<sep>label`` lines; ``None`` for a blank line (a sentence break). Skips unreadable lines."""
    rows: list[tuple[str, str] | None] = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if not line.strip():
                rows.append(None)
                continue
            parts = line.split(sep) if sep else line.rsplit(" ", 1)
            if len(parts) < 2:
                continue        # ANERcorp has a few "<space>O"-only lines: no token, nothing to learn
            token = _clean(parts[0])
            if token:
                rows.append((token, parts[1].strip()))
    return rows


def read_anercorp_stream(path: Path) -> list[tuple[str, str]]:
    rows = [r for r in read_token_label_lines(path) if r is not None]
    if not rows:
        raise CorpusFormatError(f"{path}: no 'token label' lines")
    return [(tok, _map_label(lab, ANERCORP_TYPES)) for tok, lab in rows]


def read_conll_sentences(path: Path, types: dict[str, str]) -> list[TaggedSentence]:
    """A CoNLL file with blank lines between sentences (the CAMeL test split)."""
    out: list[TaggedSentence] = []
    tokens: list[str] = []
    labels: list[str] = []
    for row in read_token_label_lines(path) + [None]:
        if row is None:
            if tokens:
                out.append(TaggedSentence(tuple(tokens), repair_bio(labels)))
            tokens, labels = [], []
            continue
        tokens.append(row[0])
        labels.append(_map_label(row[1], types))
    if not out:
        raise CorpusFormatError(f"{path}: no sentences")
    return out


@dataclass(frozen=True, slots=True)
class AnercorpSplit:
    train: list[TaggedSentence]
    test_tail: tuple[str, ...]  # the tokens of ANERCorp.txt that the test split was cut from
    test_tokens: int            # tokens cut off the end of ANERCorp.txt
    aligned_tokens: int         # of which identical (after bidi marks) to the test file's token
    train_tokens: int


def split_anercorp(full_path: Path, test_path: Path, min_agreement: float = 0.95) -> AnercorpSplit:
    """ANERcorp minus the CAMeL Lab test split, matched token by token.

    The test file has exactly as many tokens as the tail it was cut from; aligned position by position,
    the tokens agree except at most sentence-initial positions (the CAMeL release garbles the first
    token of many sentences) and a handful of bidi marks. We require ``min_agreement`` of positions to
    agree, so a different test file fails loudly instead of leaking test sentences into training.
    """
    full = read_anercorp_stream(full_path)
    test = [r for r in read_token_label_lines(test_path) if r is not None]
    n = len(test)
    if not 0 < n < len(full):
        raise CorpusFormatError(f"{test_path}: {n} tokens cannot be the tail of {len(full)} in {full_path}")
    tail = full[len(full) - n:]
    agree = sum(1 for (a, _), (b, _) in zip(tail, test) if a == b)
    if agree < min_agreement * n:
        raise CorpusFormatError(f"{test_path} is not the tail of {full_path}: only {agree}/{n} tokens agree")
    train_pairs = full[:len(full) - n]
    return AnercorpSplit(_sentences_by_full_stop(train_pairs), tuple(t for t, _ in tail), n, agree,
                         len(train_pairs))


def read_newsfane(path: Path) -> list[TaggedSentence]:
    """NewsFANE: tab-separated, blank line between sentences, clitics split off as their own tokens.

    We glue the clitics back (proclitic و ف ب ل ك onto the next token, pronoun suffixes onto the
    previous one) so the tokens look like ANERcorp's and like raw news.
    """
    out: list[TaggedSentence] = []
    tokens: list[str] = []
    labels: list[str] = []
    for row in read_token_label_lines(path, sep="\t") + [None]:
        if row is None:
            if tokens:
                out.append(TaggedSentence(*_glue_clitics(tokens, labels)))
            tokens, labels = [], []
            continue
        tokens.append(row[0])
        labels.append(_map_label(row[1], NEWSFANE_TYPES))
    if not out:
        raise CorpusFormatError(f"{path}: no sentences")
    return out


_PROCLITICS = {"و", "ف", "ب", "ل", "ك"}
_ENCLITICS = {"ه", "ها", "هم", "هما", "هن", "نا", "كم", "كما", "كن", "ي", "ني"}


def _glue_clitics(tokens: list[str], labels: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    out_t: list[str] = []
    out_l: list[str] = []
    pending = ""
    for tok, lab in zip(tokens, labels):
        if tok in _PROCLITICS and lab == "O":
            pending += tok
            continue
        if tok in _ENCLITICS and lab == "O" and out_t and not pending and out_t[-1][-1:].isalpha():
            out_t[-1] += tok
            continue
        out_t.append(pending + tok)
        out_l.append(lab)
        pending = ""
    if pending:
        out_t.append(pending)
        out_l.append("O")
    return tuple(out_t), repair_bio(out_l)


def read_wojood(path: Path) -> list[TaggedSentence]:
    """Wojood: ``token LABEL [LABEL …]`` (nested; the first is the outermost), ``$#$`` ends a segment."""
    out: list[TaggedSentence] = []
    tokens: list[str] = []
    labels: list[str] = []
    with open(path, encoding="utf-8-sig") as fh:
        lines = [line.rstrip("\r\n") for line in fh] + [""]
    for line in lines:
        parts = line.split()
        if not parts or parts[0] == "$#$":
            if tokens:
                out.append(TaggedSentence(tuple(tokens), repair_bio(labels)))
            tokens, labels = [], []
            continue
        token = _clean(parts[0])
        if not token:
            continue
        outer = next((p for p in parts[1:] if _map_label(p, WOJOOD_TYPES) != "O"), "O")
        tokens.append(token)
        labels.append(_map_label(outer, WOJOOD_TYPES))
    if not out:
        raise CorpusFormatError(f"{path}: no sentences")
    return out


def _text_key(tokens: Iterable[str]) -> str:
    """Letters only, folded, without spaces or digits, "لال" as "لل": the same text, however a corpus
    tokenised it (NewsFANE splits clitics, writes ل+ال as "لال" and drops digits), gives one key."""
    return re.sub(r"[\W\d_]", "", fold("".join(tokens))).replace("لال", "لل")


def exclude_text_of(sentences: list[TaggedSentence], held_out: Sequence[Sequence[str]],
                    window: int = 16, share: float = 0.5) -> tuple[list[TaggedSentence], int]:
    """Drop sentences that repeat held-out text; returns (kept, number dropped).

    A sentence is dropped when at least ``share`` of its ``window``-letter pieces (taken every
    ``window // 2`` letters) occur in the held-out text: robust to the corpora's small spelling and
    tokenisation differences, and a stock phrase alone does not reach the share. Sentences shorter
    than one window are kept: they match anywhere by chance and carry almost nothing.
    """
    text = _text_key(t for tokens in held_out for t in tokens)
    pieces = {text[i:i + window] for i in range(len(text) - window + 1)}
    kept: list[TaggedSentence] = []
    dropped = 0
    step = max(1, window // 2)
    for s in sentences:
        key = _text_key(s.tokens)
        probes = [key[i:i + window] for i in range(0, len(key) - window + 1, step)]
        if probes and sum(p in pieces for p in probes) >= share * len(probes):
            dropped += 1
        else:
            kept.append(s)
    return kept, dropped
