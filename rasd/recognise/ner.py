"""Arabic named-entity tagger: a linear-chain CRF (CRFsuite) over clitic-aware word features.

The model is trained by ``rasd.train.ner.train`` on ANERcorp (minus the CAMeL Lab test split), and
optionally NewsFANE and the Wojood sample, with their types mapped to ``PER``/``LOC``/``ORG``/``MISC``
(see docs/models.md for why there is no separate ``GPE``: ANERcorp, the benchmark, folds GPE into LOC).

The same ``FeatureExtractor`` builds the features at training and at run time, on the
*folded* form of each token (``rasd.text.normalise.fold``), so training and tagging cannot drift apart.
Corpora keep proclitics attached to the word ("وبغداد") as raw news does, so run-time text is not
split into clitics; clitic-stripped readings enter as features instead.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from rasd.model import Mention
from rasd.text.normalise import normalise, fold
from rasd.text.segment import split_sentences
from rasd.text.tokens import TOKEN_RE, clitic_readings, strip_article

ENTITY_TYPES = ("PER", "LOC", "ORG", "GPE", "MISC")
MODEL_FILE = "ner.bin"
MODEL_CARD = "ner.json"
GAZETTEER_FILE = "ner.gazetteer.tsv"
CLUSTERS_FILE = "ner.clusters.tsv"
NET_FILE = "ner.net.npz"            # the BiLSTM-CRF tagger (rasd.recognise.neural_ner), when shipped
NET_CARD = "ner.net.json"
VECTORS_FILE = "ner.vectors.npz"    # its fastText subword vectors (scripts/build_ner_vectors.py)

# Words and numbers as rasd.text.tokens tokenises them, plus each punctuation mark as its own token,
# because every NER corpus keeps punctuation as tokens and the CRF uses it as context ("(", "-", "،").
# A run of one repeated mark ("-----", "...") is one token, as in the corpora.
RUNTIME_TOKEN_RE = re.compile(TOKEN_RE.pattern + r"|([^\w\s])\1*", re.UNICODE)

# Proclitic conjunction/preposition runs that, followed by the article, are stripped from an entity's
# span ("والعراق" → "العراق") when what remains is a known word ("كاليفورنيا" stays whole).
_PROCLITIC_BEFORE_ARTICLE = re.compile(r"^(?:[وف]?[بك]|[وف])(?=ال..)")


class NerModelError(RuntimeError):
    """The NER model file is missing or unreadable."""


def _shape(word: str) -> str:
    if not word:
        return "empty"
    if word.isdigit():
        return "digit"
    if all(not c.isalnum() for c in word):
        return "punct"
    if any("a" <= c <= "z" for c in word):
        return "latin"
    if any(c.isdigit() for c in word):
        return "alnum"
    return "arabic"


# Feature caches: the frequent words of the news, bounded so that memory stays flat while streaming
# (300K entries each grew the process by ~850 MB per 10K articles).
FEATURE_CACHE_SIZE = 20_000


@lru_cache(maxsize=FEATURE_CACHE_SIZE)
def token_key(raw: str) -> str:
    """The folded form of a corpus or run-time token (diacritics, tatweel, bidi marks folded away)."""
    key = fold(raw).strip()
    if key.isdigit():
        return "0" * min(len(key), 4)      # numbers by length only: years vs counts, not their values
    return key or "<empty>"


@lru_cache(maxsize=FEATURE_CACHE_SIZE)
def _stems(key: str) -> tuple[str, ...]:
    """Clitic-stripped readings of a word, article removed: the word's lexical identity."""
    return tuple(k for _, k in clitic_readings(key)) or (key,)


@cache
def gazetteer() -> dict[str, str]:
    """Folded word → its gazetteer types ("LOC,PER~"), from the versioned data file beside the model."""
    entries: dict[str, str] = {}
    text = resources.files("rasd.models").joinpath(GAZETTEER_FILE).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, _, types = line.partition("\t")
            entries[word] = types
    return entries


@cache
def clusters() -> dict[str, tuple[str, str]]:
    """Folded word → (fine, coarse) distributional cluster ids, learnt from unlabelled news."""
    table: dict[str, tuple[str, str]] = {}
    text = resources.files("rasd.models").joinpath(CLUSTERS_FILE).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, fine, coarse = line.split("\t")
            table[word] = (fine, coarse)
    return table


@lru_cache(maxsize=FEATURE_CACHE_SIZE)
def _gazetteer_types(key: str) -> tuple[str, ...]:
    """Gazetteer types of any clitic reading of the word (the whole word first)."""
    names = gazetteer()
    found: list[str] = []
    for stem in _stems(key):
        for kind in names.get(stem, "").split(","):
            if kind and kind not in found:
                found.append(kind)
    return tuple(found)


@lru_cache(maxsize=FEATURE_CACHE_SIZE)
def _own_features(key: str) -> tuple[str, ...]:
    stems = _stems(key)
    main = strip_article(key)
    feats = ["b", "w=" + key, "sh=" + _shape(key), "len=" + str(min(len(key), 8))]
    feats += ["k=" + s for s in stems[:4]]
    for n in (1, 2, 3):
        if len(main) > n:
            feats.append(f"p{n}=" + main[:n])
            feats.append(f"x{n}=" + main[-n:])
    if key.startswith("ال") or any(k != key and key.endswith("ال" + k) for k in stems[1:2]):
        feats.append("art")
    if len(stems) > 1:
        feats.append("clitic")
    feats += ["gz=" + kind for kind in _gazetteer_types(key)]
    table = clusters()
    fine, coarse = table.get(key, ("?", "?"))
    feats += ["c=" + fine, "cc=" + coarse]
    if stems[-1] != key and stems[-1] in table:
        feats.append("kc=" + table[stems[-1]][0])
    return tuple(feats)


@lru_cache(maxsize=FEATURE_CACHE_SIZE)
def _context_features(key: str, where: str) -> tuple[str, ...]:
    """What a neighbour contributes: its form, its stem and its shape, prefixed by its position."""
    stems = _stems(key)
    feats = [where + "w=" + key, where + "sh=" + _shape(key)]
    if stems[-1] != key:
        feats.append(where + "k=" + stems[-1])
    if where in ("-1", "+1"):
        main = strip_article(key)
        feats.append(where + "x2=" + main[-2:])
        feats += [where + "gz=" + kind for kind in _gazetteer_types(key)]
        feats.append(where + "c=" + clusters().get(key, ("?",))[0])
    return tuple(feats)


_BOS = ("-1w=<s>",)
_EOS = ("+1w=</s>",)


class FeatureExtractor:
    """Builds the CRF features of a sentence; with ``known`` set, keeps only features the model has.

    Training uses every feature; a tagger passes its model's attributes as ``known``, so that the
    features L1 regularisation pruned away are dropped once per word (cached) instead of being
    handed to CRFsuite for every token. The labels come out the same either way.
    """

    def __init__(self, known: frozenset[str] | None = None) -> None:
        self.known = known
        self._own: dict[str, tuple[str, ...]] = {}
        self._ctx: dict[tuple[str, str], tuple[str, ...]] = {}

    def _keep(self, feats: tuple[str, ...]) -> tuple[str, ...]:
        return feats if self.known is None else tuple(f for f in feats if f in self.known)

    def own(self, key: str) -> tuple[str, ...]:
        feats = self._own.get(key)
        if feats is None:
            if len(self._own) > FEATURE_CACHE_SIZE:
                self._own.clear()
            feats = self._own[key] = self._keep(_own_features(key))
        return feats

    def context(self, key: str, where: str) -> tuple[str, ...]:
        feats = self._ctx.get((key, where))
        if feats is None:
            if len(self._ctx) > 2 * FEATURE_CACHE_SIZE:
                self._ctx.clear()
            feats = self._ctx[(key, where)] = self._keep(_context_features(key, where))
        return feats

    def __call__(self, tokens: Sequence[str]) -> list[list[str]]:
        keys = [token_key(t) for t in tokens]
        n = len(keys)
        if not n:
            return []
        known = self.known
        context = self.context
        own = [self.own(k) for k in keys]
        # what each word contributes as the previous / next / second-previous / second-next word
        as_prev = [context(k, "-1") for k in keys[:-1]]
        as_next = [context(k, "+1") for k in keys[1:]]
        as_prev2 = [context(k, "-2") for k in keys[:-2]]
        as_next2 = [context(k, "+2") for k in keys[2:]]
        left = ["bg-=" + keys[i - 1] + "|" + keys[i] for i in range(1, n)]
        right = ["bg+=" + keys[i] + "|" + keys[i + 1] for i in range(n - 1)]
        if known is not None:
            left = [b if b in known else "" for b in left]
            right = [b if b in known else "" for b in right]
        out: list[list[str]] = []
        for i in range(n):
            feats = [*own[i], *(as_prev[i - 1] if i else _BOS), *(as_next[i] if i + 1 < n else _EOS)]
            if i:
                if left[i - 1]:
                    feats.append(left[i - 1])
                if i > 1:
                    feats += as_prev2[i - 2]
            if i + 1 < n:
                if right[i]:
                    feats.append(right[i])
                if i + 2 < n:
                    feats += as_next2[i]
            out.append(feats)
        return out


_ALL_FEATURES = FeatureExtractor()


def sentence_features(tokens: Sequence[str]) -> list[list[str]]:
    """CRF features of each token of a sentence (tokens are raw; they are folded here)."""
    return _ALL_FEATURES(tokens)


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """An entity over token indices ``[start, end)`` of one tagged sentence."""
    start: int
    end: int
    type: str


def bio_spans(labels: Sequence[str]) -> list[EntitySpan]:
    """Entities of a BIO sequence, conlleval style: an ``I-X`` that does not continue an ``X`` starts one."""
    spans: list[EntitySpan] = []
    start, kind = -1, ""
    for i, label in enumerate(list(labels) + ["O"]):
        prefix, _, typ = label.partition("-")
        continues = prefix == "I" and typ == kind and start >= 0
        if not continues and start >= 0:
            spans.append(EntitySpan(start, i, kind))
            start, kind = -1, ""
        if prefix in ("B", "I") and not continues:
            start, kind = i, typ
    return spans


# Words shorter than this are not propagated across a document: too many are also common words.
MIN_PROPAGATED_LENGTH = 4


def propagate_within_document(sentences: Sequence[Sequence[str]],
                              labels: Sequence[Sequence[str]]) -> list[list[str]]:
    """Label untagged repeats of words tagged as names elsewhere in the document (see ``tag_document``)."""
    votes: dict[str, Counter[str]] = {}
    # multi-word organisation/place/misc names, by their words' stems ("الأمم المتحدة" = "والأمم المتحدة")
    phrases: dict[tuple[str, ...], Counter[str]] = {}
    for tokens, seq in zip(sentences, labels):
        for span in bio_spans(seq):
            single = span.end - span.start == 1
            if not single and span.type != "PER":
                phrase = tuple(_stems(token_key(t))[-1] for t in tokens[span.start:span.end])
                phrases.setdefault(phrase, Counter())[span.type] += 1
                continue
            for i in range(span.start if single else span.start + 1, span.end):
                votes.setdefault(_stems(token_key(tokens[i]))[-1], Counter())[span.type] += 1
    out: list[list[str]] = []
    for tokens, seq in zip(sentences, labels):
        new = list(seq)
        if phrases:
            keys = [_stems(token_key(t))[-1] for t in tokens]
            for phrase, kinds in phrases.items():
                n = len(phrase)
                for i in range(len(tokens) - n + 1):
                    if keys[i] == phrase[0] and tuple(keys[i:i + n]) == phrase and \
                            all(label == "O" for label in new[i:i + n]):
                        kind = kinds.most_common(1)[0][0]
                        new[i:i + n] = ["B-" + kind] + ["I-" + kind] * (n - 1)
        for i, token in enumerate(tokens):
            if new[i] != "O":
                continue
            key = _stems(token_key(token))[-1]
            if len(key) >= MIN_PROPAGATED_LENGTH and key in votes and key.isalpha():
                kind = votes[key].most_common(1)[0][0]
                new[i] = ("I-" if i > 0 and new[i - 1][2:] == kind else "B-") + kind
        out.append(new)
    return out


class DocumentTagger:
    """What every NER tagger offers on top of ``tag_sentences``: documents made consistent, raw text read."""

    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        raise NotImplementedError

    def tag_tokens(self, tokens: Sequence[str]) -> list[str]:
        """BIO labels (``B-PER``, ``I-LOC``, ``O`` …) for one sentence of raw tokens."""
        return self.tag_sentences([tokens])[0] if tokens else []

    def tag_document(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels for the sentences of one document, made consistent across the document.

        A news story names a person in full once ("دونالد رامسفيلد") and then by surname alone; the
        tagger reads one sentence at a time and misses many of the short repeats. So a word the tagger
        labelled as a one-word entity, or as a non-initial word of a person's name, is given the same
        type where it recurs untagged in the same document (first names alone are too ambiguous); a
        multi-word organisation, place or other name is given its type where the same words (by stem)
        recur untagged.
        """
        return propagate_within_document(sentences, self.tag_sentences(sentences))

    def entities(self, text: str) -> list[Mention]:
        """Named entities of raw text: ``Mention(label="NER", value=type)`` with original-text offsets.

        The text is one document: labels are made consistent across its sentences (``tag_document``).
        """
        if not text:
            return []
        norm = normalise(text)
        mentions: list[Mention] = []
        sentence_matches = [list(RUNTIME_TOKEN_RE.finditer(norm.text, s.start, s.end))
                            for s in split_sentences(norm.text)]
        sentence_matches = [ms for ms in sentence_matches if ms]
        all_labels = self.tag_document([[m.group() for m in ms] for ms in sentence_matches])
        for matches, labels in zip(sentence_matches, all_labels):
            for span in bio_spans(labels):
                first, last = matches[span.start], matches[span.end - 1]
                start = first.start()
                if all(not c.isalnum() for c in norm.text[start:last.end()]):
                    continue        # a run of punctuation is never a name
                clitics = _PROCLITIC_BEFORE_ARTICLE.match(first.group())
                if clitics and first.group()[clitics.end():] in clusters():
                    start += clitics.end()
                s, e = norm.span_to_original(start, last.end())
                mentions.append(Mention(s, e, "NER", text[s:e], span.type))
        return mentions


class NerTagger(DocumentTagger):
    """A loaded CRF model. ``tag_tokens`` labels a tokenised sentence; ``entities`` reads raw text."""

    def __init__(self, model_path: Path) -> None:
        import pycrfsuite   # imported here so that modules importing rasd.recognise stay light

        if not model_path.is_file():
            raise NerModelError(f"NER model not found at {model_path}; train one with "
                                f"`rasd.train.ner.train(path)` or reinstall rasd")
        self.model_path = model_path
        self._tagger = pycrfsuite.Tagger()
        try:
            self._tagger.open(str(model_path))
        except (OSError, ValueError) as exc:
            raise NerModelError(f"cannot read NER model {model_path}: {exc}") from exc
        self._features = FeatureExtractor(frozenset(attribute for attribute, _ in
                                                    self._tagger.info().state_features))
        card = model_path.with_name(MODEL_CARD) if model_path.name == MODEL_FILE else \
            model_path.with_suffix(".json")
        self.card: dict = json.loads(card.read_text(encoding="utf-8")) if card.is_file() else {}

    def tag_tokens(self, tokens: Sequence[str]) -> list[str]:
        """BIO labels (``B-PER``, ``I-LOC``, ``O`` …) for one sentence of raw tokens."""
        if not tokens:
            return []
        return list(self._tagger.tag(self._features(tokens)))

    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels of each sentence, each tagged on its own."""
        return [self.tag_tokens(tokens) for tokens in sentences]


class NeuralNerTagger(DocumentTagger):
    """The BiLSTM-CRF tagger (``rasd.recognise.neural_ner``): a document's sentences run as one batch."""

    def __init__(self, net_path: Path, vectors_path: Path | None = None) -> None:
        from rasd.recognise.neural_ner import load_network
        from rasd.recognise.vectors import SubwordVectors

        vectors_path = vectors_path or net_path.with_name(VECTORS_FILE)
        for path in (net_path, vectors_path):
            if not path.is_file():
                raise NerModelError(f"NER model file not found at {path}; train one with "
                                    f"`rasd train ner` or reinstall rasd")
        self.model_path = net_path
        try:
            self._net = load_network(net_path, SubwordVectors(vectors_path))
        except (OSError, ValueError, KeyError) as exc:
            raise NerModelError(f"cannot read NER model {net_path}: {exc}") from exc
        card = net_path.with_name(NET_CARD) if net_path.name == NET_FILE else net_path.with_suffix(".json")
        self.card: dict = json.loads(card.read_text(encoding="utf-8")) if card.is_file() else {}

    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels of each sentence (each sentence is read on its own; batching only saves time)."""
        return self._net.tag_sentences(sentences)


def default_model_path() -> Path:
    return Path(str(resources.files("rasd.models").joinpath(MODEL_FILE)))


@cache
def load_tagger(model_path: Path | None = None) -> DocumentTagger:
    """The shipped tagger (or the one at ``model_path``: ``.npz`` = neural, else CRF), loaded once per process.

    The shipped one is the neural tagger when its weights are in the package, else the CRF.
    """
    if model_path is None:
        net = Path(str(resources.files("rasd.models").joinpath(NET_FILE)))
        model_path = net if net.is_file() else default_model_path()
    model_path = Path(model_path)
    if model_path.suffix == ".npz":
        return NeuralNerTagger(model_path)
    return NerTagger(model_path)
