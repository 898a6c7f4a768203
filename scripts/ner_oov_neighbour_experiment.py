"""Experiment: the shipped CRF, unchanged, with unseen words read as their nearest seen word.

A word not in the training part borrows, at tagging
time only, the word features of its nearest neighbour among the words the CRF has learnt, in the
fastText subword-vector space (cosine ≥ --min-sim), and that neighbour's cluster when it has none.
No retraining: the model file is the shipped one. Scored on the CAMeL test split.
Usage: .venv/bin/python scripts/ner_oov_neighbour_experiment.py [--min-sim=0.6] [--context=1]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rasd.evaluate.ner import DEFAULT_TEST, score_sequences  # noqa: E402
from rasd.recognise import ner  # noqa: E402
from rasd.recognise.vectors import SubwordVectors  # noqa: E402
from rasd.train.corpora import ANERCORP_TYPES, read_conll_sentences  # noqa: E402

_OPTS = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
MIN_SIM = float(_OPTS.get("min-sim", 0.6))
CONTEXT = int(_OPTS.get("context", 0))


def main() -> None:
    from rasd.train.ner import training_data
    train_words = {ner.token_key(t) for s in training_data().sentences for t in s.tokens}
    tagger = ner.NerTagger(ROOT / "rasd/models/ner.bin")
    known = tagger._features.known
    vectors = SubwordVectors(ROOT / "rasd/models/ner.vectors.npz")
    seen = sorted(f[2:] for f in known if f.startswith("w="))
    matrix = np.stack([vectors.vector(w) for w in seen])
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    cache: dict[str, str | None] = {}
    stats = {"unseen": 0, "borrowed": 0}

    def neighbour(key: str) -> str | None:
        if key not in cache:
            v = vectors.vector(key)
            sims = matrix @ (v / (np.linalg.norm(v) + 1e-9))
            i = int(sims.argmax())
            cache[key] = seen[i] if sims[i] >= MIN_SIM else None
            stats["unseen"] += 1
            stats["borrowed"] += cache[key] is not None
        return cache[key]

    base = tagger._features

    class Borrowing(ner.FeatureExtractor):
        def own(self, key: str) -> tuple[str, ...]:
            feats = base.own(key)
            if key in train_words or not key.isalpha():
                return feats
            nb = neighbour(key)
            if nb is None:
                return feats
            borrowed = ("w=", "c=", "cc=", "kc=") if key not in ner.clusters() else ("w=",)
            extra = [f for f in base.own(nb) if f.startswith(borrowed)]
            return tuple(dict.fromkeys(feats + tuple(extra)))

        def context(self, key: str, where: str) -> tuple[str, ...]:
            feats = base.context(key, where)
            if not CONTEXT or key in train_words or not key.isalpha():
                return feats
            nb = neighbour(key)
            if nb is None:
                return feats
            return tuple(dict.fromkeys(feats + tuple(f for f in base.context(nb, where)
                                                     if f.startswith(where + "w="))))

    tagger._features = Borrowing(known)
    test = read_conll_sentences(Path(DEFAULT_TEST), ANERCORP_TYPES)
    sents = [list(s.tokens) for s in test]
    t0 = time.process_time()
    predicted = tagger.tag_sentences(sents)
    seconds = time.process_time() - t0
    gold = [s.labels for s in test]
    fix = lambda seqs: [[lab.replace("-GPE", "-LOC") for lab in seq] for seq in seqs]  # noqa: E731
    print(f"min similarity {MIN_SIM}, context {CONTEXT}: {stats}")
    print("sentence by sentence:\n" + score_sequences(gold, fix(predicted), seconds).table())
    doc = []
    for i in range(0, len(sents), 20):
        doc += ner.propagate_within_document(sents[i:i + 20], predicted[i:i + 20])
    print("document consistency (20):\n" + score_sequences(gold, fix(doc)).table())


if __name__ == "__main__":
    main()
