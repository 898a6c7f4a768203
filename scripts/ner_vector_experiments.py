"""Experiment: the shipped CRF features plus fastText subword-vector features, scored on the CAMeL test split.

Variants (``--variant=``):
  clusters  k-means clusters (fine/coarse) of the fastText vector of every word, unseen words included
            (their vector is the mean of their character n-gram vectors): c-ft=, cc-ft= and ±1 fine cluster
  dense     the word's vector itself as real-valued CRF features (v0..v{dim-1}, scaled)
  both      both
Vectors come from scripts/build_ner_vectors.py (gensim model at --model=, default /tmp/ner2_ft100.model).
Prints sentence-by-sentence and document-consistency (20-sentence windows) tables and timings.
Usage: PYTHONHASHSEED=0 OMP_NUM_THREADS=1 .venv/bin/python scripts/ner_vector_experiments.py --variant=clusters
"""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rasd.evaluate.ner import DEFAULT_TEST, score_sequences  # noqa: E402
from rasd.recognise.ner import propagate_within_document, sentence_features, token_key  # noqa: E402
from rasd.train.corpora import ANERCORP_TYPES, read_conll_sentences  # noqa: E402
from rasd.train.ner import CrfSettings, training_data  # noqa: E402

_OPTS = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
VARIANT = _OPTS.get("variant", "clusters")
MODEL = _OPTS.get("model", "/tmp/ner2_ft100.model")
K_FINE, K_COARSE = int(_OPTS.get("fine", 512)), int(_OPTS.get("coarse", 64))
DENSE_SCALE = float(_OPTS.get("scale", 1.0))
SEED = 13


def kmeans(x: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 25) -> np.ndarray:
    centres = x[rng.choice(len(x), k, replace=False)].copy()
    for _ in range(iterations):
        assign = (x @ centres.T).argmax(1)
        for c in range(k):
            members = x[assign == c]
            if len(members):
                v = members.sum(0)
                centres[c] = v / (np.linalg.norm(v) or 1.0)
            else:
                centres[c] = x[rng.integers(len(x))]
    return centres


class VectorFeatures:
    def __init__(self) -> None:
        from gensim.models import FastText
        self.wv = FastText.load(MODEL).wv
        x = np.asarray(self.wv.vectors, dtype=np.float32)
        x = x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-9)
        rng = np.random.default_rng(SEED)
        self.fine = kmeans(x, K_FINE, rng)
        self.coarse = kmeans(x, K_COARSE, rng)
        self.cache: dict[str, tuple[list[str], dict[str, float]]] = {}

    def of(self, key: str) -> tuple[list[str], dict[str, float]]:
        got = self.cache.get(key)
        if got is None:
            v = np.asarray(self.wv[key], dtype=np.float32)
            n = np.linalg.norm(v)
            u = v / (n + 1e-9)
            known = "k" if key in self.wv.key_to_index else "u"
            cats = [f"fc={int((self.fine @ u).argmax())}", f"fcc={int((self.coarse @ u).argmax())}",
                    f"fk={known}"]
            dense = {f"v{i}": float(a) * DENSE_SCALE for i, a in enumerate(u)}
            got = self.cache[key] = (cats, dense)
        return got

    def __call__(self, tokens) -> list:
        base = sentence_features(tokens)
        keys = [token_key(t) for t in tokens]
        info = [self.of(k) for k in keys]
        out = []
        for i, feats in enumerate(base):
            item: dict[str, float] = {f: 1.0 for f in feats}
            if VARIANT in ("clusters", "both"):
                for f in info[i][0]:
                    item[f] = 1.0
                if i:
                    item["-1" + info[i - 1][0][0]] = 1.0
                if i + 1 < len(keys):
                    item["+1" + info[i + 1][0][0]] = 1.0
            if VARIANT in ("dense", "both"):
                item.update(info[i][1])
            out.append(item)
        return out


def main() -> None:
    import pycrfsuite

    t0 = time.time()
    features = VectorFeatures()
    print(f"vectors and clusters ready, {time.time() - t0:.0f}s", flush=True)
    settings = CrfSettings()
    data = training_data(settings=settings)
    order = list(range(len(data.sentences)))
    random.Random(0).shuffle(order)
    trainer = pycrfsuite.Trainer(verbose=False)
    for i in order:
        s = data.sentences[i]
        trainer.append(features(s.tokens), list(s.labels))
    trainer.set_params({"c1": settings.c1, "c2": settings.c2, "max_iterations": settings.max_iterations,
                        "feature.minfreq": settings.min_feature_freq, "feature.possible_transitions": True})
    out = Path(f"/tmp/ner2_crf_{VARIANT}.bin")
    t1 = time.time()
    trainer.train(str(out))
    print(f"trained in {time.time() - t1:.0f}s, model {out.stat().st_size} bytes", flush=True)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(out))
    test = read_conll_sentences(Path(DEFAULT_TEST), ANERCORP_TYPES)
    t2 = time.process_time()
    predicted = [list(tagger.tag(features(s.tokens))) if s.tokens else [] for s in test]
    seconds = time.process_time() - t2
    gold = [s.labels for s in test]
    fix = lambda seqs: [[lab.replace("-GPE", "-LOC") for lab in seq] for seq in seqs]  # noqa: E731
    print(f"variant {VARIANT} fine {K_FINE} coarse {K_COARSE} scale {DENSE_SCALE}")
    print("sentence by sentence:\n" + score_sequences(gold, fix(predicted), seconds).table())
    doc = []
    for i in range(0, len(test), 20):
        doc += propagate_within_document([s.tokens for s in test[i:i + 20]], predicted[i:i + 20])
    print("document consistency (20):\n" + score_sequences(gold, fix(doc)).table())


if __name__ == "__main__":
    main()
