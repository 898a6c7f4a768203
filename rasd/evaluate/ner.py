"""Entity-level NER scores with conlleval semantics, and the evaluation of a tagger on a CoNLL file.

An entity counts as correct only when its type and its exact token span agree with the gold. Chunks
are read as conlleval reads them: an ``I-X`` that does not continue an ``X`` opens a new chunk.
Precision, recall and F1 are per type and micro-averaged overall.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rasd.recognise.ner import bio_spans, load_tagger
from rasd.train.corpora import ANERCORP_TYPES, read_conll_sentences

DEFAULT_TEST = Path(__file__).resolve().parents[2].parent / "shared/data/ner/anercorp/ANERCorp_CamelLab_test.txt"


@dataclass(frozen=True, slots=True)
class TypeScore:
    type: str
    gold: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class NerScores:
    overall: TypeScore
    per_type: tuple[TypeScore, ...]
    sentences: int
    tokens: int
    token_accuracy: float
    seconds: float = 0.0            # tagging time, when a tagger was run

    def by_type(self, kind: str) -> TypeScore:
        return next(s for s in self.per_type if s.type == kind)

    def table(self) -> str:
        rows = [f"{'type':<8}{'gold':>7}{'pred':>7}{'P':>8}{'R':>8}{'F1':>8}"]
        for s in (*self.per_type, self.overall):
            rows.append(f"{s.type:<8}{s.gold:>7}{s.predicted:>7}{s.precision:>8.4f}{s.recall:>8.4f}{s.f1:>8.4f}")
        rows.append(f"{self.sentences} sentences, {self.tokens} tokens, token accuracy {self.token_accuracy:.4f}"
                    + (f", {self.sentences / self.seconds:,.0f} sentences/s (CPU time)" if self.seconds else ""))
        return "\n".join(rows)


def score_sequences(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]],
                    seconds: float = 0.0) -> NerScores:
    """conlleval's entity-level scores of predicted BIO sequences against gold ones, sentence by sentence."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold sentences but {len(predicted)} predicted")
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_ok: Counter[str] = Counter()
    tokens = same = 0
    for g, p in zip(gold, predicted):
        if len(g) != len(p):
            raise ValueError(f"sentence of {len(g)} gold labels has {len(p)} predicted")
        tokens += len(g)
        same += sum(a == b for a, b in zip(g, p))
        gs = {(s.start, s.end, s.type) for s in bio_spans(g)}
        ps = {(s.start, s.end, s.type) for s in bio_spans(p)}
        n_gold.update(t for *_, t in gs)
        n_pred.update(t for *_, t in ps)
        n_ok.update(t for *_, t in gs & ps)
    kinds = sorted(set(n_gold) | set(n_pred))
    per_type = tuple(TypeScore(k, n_gold[k], n_pred[k], n_ok[k]) for k in kinds)
    overall = TypeScore("overall", sum(n_gold.values()), sum(n_pred.values()), sum(n_ok.values()))
    return NerScores(overall, per_type, len(gold), tokens, same / tokens if tokens else 0.0, seconds)


def evaluate(model_path: Path | None = None, test_path: Path = DEFAULT_TEST,
             document_window: int = 0) -> NerScores:
    """Tag a CoNLL test file (ANERcorp labels, PERS read as PER) and score it; GPE is scored as LOC.

    ``document_window=0`` tags each sentence alone (the standard, comparable figure). With N > 0,
    every N consecutive sentences are tagged as one document (``NerTagger.tag_document``), as
    ``entities`` does for an article; the test file marks no document boundaries, so windows of
    about an article's length stand in for them.
    """
    sentences = read_conll_sentences(Path(test_path), ANERCORP_TYPES)
    tagger = load_tagger(Path(model_path) if model_path else None)
    t0 = time.process_time()      # CPU time: the figure should not depend on other load on the machine
    if document_window > 0:
        predicted = []
        for i in range(0, len(sentences), document_window):
            predicted += tagger.tag_document([s.tokens for s in sentences[i:i + document_window]])
    else:
        # batches of 20 as an article runs (the neural tagger batches them; each is still tagged alone)
        predicted = [labels for i in range(0, len(sentences), 20)
                     for labels in tagger.tag_sentences([s.tokens for s in sentences[i:i + 20]])]
    seconds = time.process_time() - t0
    predicted = [[lab.replace("-GPE", "-LOC") for lab in seq] for seq in predicted]
    return score_sequences([s.labels for s in sentences], predicted, seconds)


def ner_command(test: Path = DEFAULT_TEST, model: Path | None = None, document_window: int = 20) -> NerScores:
    """What `rasd evaluate ner` runs: print the conlleval-style tables, sentence by sentence (standard)
    and with document-level consistency over windows of ``document_window`` sentences."""
    scores = evaluate(model, test)
    print("sentence by sentence (standard):")
    print(scores.table())
    if document_window:
        print(f"\nwith document consistency, {document_window}-sentence windows:")
        print(evaluate(model, test, document_window).table())
    return scores
