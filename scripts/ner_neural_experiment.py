"""Experiment: train the BiLSTM-CRF tagger (rasd.train.neural_ner) and score it on the CAMeL test split.

The epoch is picked on 10 % of the training sentences held out (not on the test split). Prints the
sentence-by-sentence and document-consistency (20-sentence windows) tables, tagging speed (CPU time,
numpy, test sentences in batches of 20 as entities() runs an article) and the weights' size.
Usage: PYTHONHASHSEED=0 OMP_NUM_THREADS=1 XLA_FLAGS=--xla_cpu_multi_thread_eigen=false \
       .venv/bin/python scripts/ner_neural_experiment.py [--vectors=rasd/models/ner.vectors.npz]
       [--epochs=20] [--hidden=100] [--oov=0.25] [--out=/tmp/ner2_net.npz]
"""
from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rasd.evaluate.ner import DEFAULT_TEST, score_sequences  # noqa: E402
from rasd.recognise.ner import propagate_within_document  # noqa: E402
from rasd.recognise.neural_ner import load_network  # noqa: E402
from rasd.recognise.vectors import SubwordVectors  # noqa: E402
from rasd.train.corpora import ANERCORP_TYPES, read_conll_sentences  # noqa: E402
from rasd.train.ner import training_data  # noqa: E402
from rasd.train.neural_ner import NetSettings, save_network, train_network  # noqa: E402

_OPTS = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)


def main() -> None:
    vectors = SubwordVectors(Path(_OPTS.get("vectors", ROOT / "rasd/models/ner.vectors.npz")))
    settings = dataclasses.replace(NetSettings(), epochs=int(_OPTS.get("epochs", 20)),
                                   hidden=int(_OPTS.get("hidden", 100)),
                                   oov_rate=float(_OPTS.get("oov", 0.25)),
                                   dropout=float(_OPTS.get("dropout", 0.5)),
                                   word_dim=int(_OPTS.get("words", 0)),
                                   learning_rate=float(_OPTS.get("lr", 2e-3)),
                                   held_out=float(_OPTS.get("held", 0.1)))
    out = Path(_OPTS.get("out", "/tmp/ner2_net.npz"))
    data = training_data()
    weights, alphabet, vocabulary, report = train_network(data.sentences, vectors, settings, seed=0,
                                              log=lambda m: print(m, flush=True))
    save_network(out, weights, alphabet, vocabulary)
    print(f"settings {settings}\nbest epoch {report['best_epoch']} held-out F1 {report['held_out_f1']}, "
          f"{report['training_seconds']}s; weights {out.stat().st_size} bytes", flush=True)
    net = load_network(out, vectors)
    test = read_conll_sentences(Path(DEFAULT_TEST), ANERCORP_TYPES)
    sentences = [list(s.tokens) for s in test]
    net.tag_sentences(sentences[:40])
    t0 = time.process_time()
    predicted = []
    for i in range(0, len(sentences), 20):
        predicted += net.tag_sentences(sentences[i:i + 20])
    seconds = time.process_time() - t0
    gold = [s.labels for s in test]
    fix = lambda seqs: [[lab.replace("-GPE", "-LOC") for lab in seq] for seq in seqs]  # noqa: E731
    print("sentence by sentence:\n" + score_sequences(gold, fix(predicted), seconds).table())
    doc = []
    for i in range(0, len(test), 20):
        doc += propagate_within_document(sentences[i:i + 20], predicted[i:i + 20])
    print("document consistency (20):\n" + score_sequences(gold, fix(doc)).table())


if __name__ == "__main__":
    main()
