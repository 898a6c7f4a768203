"""Experiment: the shipped CRF and a trained BiLSTM-CRF combined, scored on the CAMeL test split.

Per token, the two models' label marginals (CRFsuite's ``marginal``; forward-backward over the
network's emission and transition scores) are averaged with weight --w for the network, and a
Viterbi pass over log(average) that allows only valid BIO transitions picks the labels.
Usage: .venv/bin/python scripts/ner_ensemble_experiment.py /tmp/ner2_net_b.npz [--w=0.5]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rasd.evaluate.ner import DEFAULT_TEST, score_sequences  # noqa: E402
from rasd.recognise.ner import load_tagger, propagate_within_document  # noqa: E402
from rasd.recognise.neural_ner import TAGS, load_network, viterbi  # noqa: E402
from rasd.recognise.vectors import SubwordVectors  # noqa: E402
from rasd.train.corpora import ANERCORP_TYPES, read_conll_sentences  # noqa: E402

_OPTS = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
NET = Path([a for a in sys.argv[1:] if not a.startswith("--")][0])


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    m = x.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))).squeeze(axis)


def net_marginals(scores: np.ndarray, trans, start, end) -> np.ndarray:
    t, k = scores.shape
    alpha = np.empty((t, k)); beta = np.empty((t, k))
    alpha[0] = start + scores[0]
    for s in range(1, t):
        alpha[s] = _logsumexp(alpha[s - 1][:, None] + trans, 0) + scores[s]
    beta[t - 1] = end
    for s in range(t - 2, -1, -1):
        beta[s] = _logsumexp(trans + (scores[s + 1] + beta[s + 1])[None, :], 1)
    logz = _logsumexp(alpha[t - 1] + end, 0)
    return np.exp(alpha + beta - logz)


def bio_transitions() -> np.ndarray:
    k = len(TAGS)
    trans = np.zeros((k, k))
    for j, tag in enumerate(TAGS):
        if tag.startswith("I-"):
            for i, prev in enumerate(TAGS):
                if prev[2:] != tag[2:]:
                    trans[i, j] = -1e4
    return trans


def main() -> None:
    w = float(_OPTS.get("w", 0.5))
    crf = load_tagger(ROOT / "rasd/models/ner.bin")
    net = load_network(NET, SubwordVectors(ROOT / "rasd/models/ner.vectors.npz"))
    test = read_conll_sentences(Path(DEFAULT_TEST), ANERCORP_TYPES)
    sents = [list(s.tokens) for s in test]
    label_index = [TAGS.index(t) for t in TAGS]
    hard = bio_transitions()
    start = np.array([-1e4 if t.startswith("I-") else 0.0 for t in TAGS])
    t0 = time.process_time()
    predicted: list[list[str]] = []
    for i in range(0, len(sents), 20):
        batch = sents[i:i + 20]
        scores, _ = net.emissions(batch)
        for row, tokens in enumerate(batch):
            n = len(tokens)
            pn = net_marginals(scores[row, :n], net.w["trans"], net.w["start"], net.w["end"])
            tagger = crf._tagger
            tagger.set(crf._features(tokens))
            pc = np.array([[tagger.marginal(tag, j) if tag in crf_labels else 0.0 for tag in TAGS]
                           for j in range(n)]) if (crf_labels := set(tagger.labels())) else None
            p = w * pn + (1 - w) * pc
            path = viterbi(np.log(p + 1e-9), hard, start, np.zeros(len(TAGS)))
            predicted.append([TAGS[k] for k in path])
    seconds = time.process_time() - t0
    del label_index
    gold = [s.labels for s in test]
    fix = lambda seqs: [[lab.replace("-GPE", "-LOC") for lab in seq] for seq in seqs]  # noqa: E731
    print(f"ensemble, network weight {w}, network {NET}")
    print("sentence by sentence:\n" + score_sequences(gold, fix(predicted), seconds).table())
    doc = []
    for i in range(0, len(sents), 20):
        doc += propagate_within_document(sents[i:i + 20], predicted[i:i + 20])
    print("document consistency (20):\n" + score_sequences(gold, fix(doc)).table())


if __name__ == "__main__":
    main()
