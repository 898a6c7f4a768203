"""Train the event-sentence classifier: ``train(output_dir, seed=0)`` writes ``events.json.gz`` and a card.

Training data (never the dev ``test`` split — an article is test iff sha1(id) % 3 == 0, the rule of
``eval/dev/split.py``, recomputed here so a stale splits.json cannot leak test articles):

- the dev gold's ``tune`` articles: every clause rasd's rules make a candidate of (a trigger or a casualty
  count), every clause inside a gold evidence span and every clause inside a ``non_events`` span. A clause
  is positive when at least half of it lies inside the evidence of a gold event (required or optional),
  with that event's ACLED type; otherwise negative;
- the hand-labelled news sentences of ``eval/dev/labels/news_sentences.tsv`` (ids and offsets; the texts
  are read from ``../shared/data/news`` at training time only).

The model: L2-regularised logistic regression (the event head) and multinomial logistic regression over
the positives (the type head), both fitted by L-BFGS on the features of
``rasd.events.classifier.sentence_features``; the regularisation strength is chosen by 5-fold
cross-validation grouped by article (the seed fixes the folds). Deterministic for a given seed and data.

    .venv/bin/python -m rasd.train.events --output rasd/models        # what `rasd train events` runs
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rasd.events.classifier import DEFAULT_THRESHOLD, MODEL_FILE, MODEL_FORMAT, sentence_features
from rasd.train import sha256

REPO = Path(__file__).resolve().parents[2]
DEV = REPO / "eval/dev"
NEWS_DIR = REPO.parent / "shared/data/news"
LABELS = DEV / "labels/news_sentences.tsv"
MIN_DOCUMENT_FREQUENCY = 2          # a feature seen in one training sentence only is noise
EVIDENCE_OVERLAP = 0.5              # share of a clause inside an evidence span that makes it positive
L2_GRID = (1e-4, 3e-4, 1e-3, 3e-3)  # per-example L2 strengths tried by cross-validation
FOLDS = 5


@dataclass(frozen=True, slots=True)
class LabelledSentence:
    article_id: str
    start: int
    end: int
    text: str
    is_event: bool
    event_type: str | None
    origin: str                     # "gold" | "news-labels"


def is_test_article(article_id: str) -> bool:
    return int(hashlib.sha1(article_id.encode("utf-8")).hexdigest(), 16) % 3 == 0


# --- data -----------------------------------------------------------------------------------------

def gold_sentences(gold_dir: Path = DEV / "gold", articles_path: Path = DEV / "articles.jsonl"
                   ) -> tuple[list[LabelledSentence], dict[str, int]]:
    """Labelled clauses of the tune split's articles, and counts of what was skipped."""
    from rasd.events.assemble import build_candidates
    from rasd.model import Article
    from rasd.pipeline import analyse, parse_published
    skipped: Counter[str] = Counter()
    golds = {}
    for path in sorted(gold_dir.glob("*.json")):
        try:
            g = json.loads(path.read_text(encoding="utf-8"))
            golds[str(g["id"])] = g
        except (OSError, ValueError, KeyError, TypeError):
            skipped["unreadable gold file"] += 1
    out: list[LabelledSentence] = []
    with open(articles_path, encoding="utf-8") as fh:
        for line in fh:
            try:
                art = json.loads(line)
            except ValueError:
                skipped["unreadable article line"] += 1
                continue
            aid = str(art.get("id"))
            if aid not in golds:
                continue
            if is_test_article(aid):
                skipped["test-split article (held out)"] += 1
                continue
            g, text = golds[aid], art.get("text") or ""
            evidence = [(s, e, ev.get("event_type")) for ev in g.get("events", [])
                        for s, e in ev.get("evidence") or []]
            non_events = [(s, e) for spans, *_ in g.get("non_events", []) for s, e in spans] \
                if _non_events_well_formed(g) else []
            article = Article(aid, text, published=parse_published((art.get("published") or "")[:10] or None))
            an = analyse(article)
            candidate_spans = {(c.sentence.start, c.sentence.end) for c in build_candidates(an)}
            for sent in an.sentences:
                span = (sent.start, sent.end)
                etype = _evidence_type(span, evidence)
                in_non_event = any(_overlap(span, ne) >= EVIDENCE_OVERLAP for ne in non_events)
                if etype is None and span not in candidate_spans and not in_non_event:
                    continue
                out.append(LabelledSentence(aid, sent.start, sent.end, text[sent.start:sent.end],
                                            etype is not None, etype, "gold"))
    return out, dict(skipped)


def _non_events_well_formed(g: dict) -> bool:
    try:
        return all(isinstance(s, int) and isinstance(e, int)
                   for spans, *_ in g.get("non_events", []) for s, e in spans)
    except (TypeError, ValueError):
        return False


def _overlap(span: tuple[int, int], other: tuple[int, int]) -> float:
    """Share of ``span`` inside ``other``."""
    inter = min(span[1], other[1]) - max(span[0], other[0])
    return max(0, inter) / max(1, span[1] - span[0])


def _evidence_type(span: tuple[int, int], evidence: list[tuple[int, int, str]]) -> str | None:
    best = max(((_overlap(span, (s, e)), t) for s, e, t in evidence), default=(0.0, None))
    return best[1] if best[0] >= EVIDENCE_OVERLAP else None


def news_label_sentences(labels_path: Path = LABELS, news_dir: Path = NEWS_DIR, gold_dir: Path = DEV / "gold"
                         ) -> tuple[list[LabelledSentence], dict[str, int]]:
    """The hand-labelled news sentences with their texts read back from the shared corpora.

    The labels were drawn outside the dev gold; a label on a dev test article (should one be added to the
    gold later) is still left out.
    """
    test_ids = {p.stem for p in Path(gold_dir).glob("*.json") if is_test_article(p.stem)}
    rows = []
    skipped: Counter[str] = Counter()
    for line in labels_path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("article_id\t"):
            continue
        parts = line.split("\t")
        if len(parts) != 5 or parts[3] not in ("0", "1"):
            skipped["malformed label line"] += 1
            continue
        rows.append((parts[0], int(parts[1]), int(parts[2]), parts[3] == "1", parts[4] or None))
    wanted = {r[0] for r in rows}
    texts: dict[str, str] = {}
    for corpus in sorted(news_dir.glob("*.jsonl.gz")):
        with gzip.open(corpus, "rt", encoding="utf-8") as fh:
            for line in fh:
                if len(texts) == len(wanted):
                    break
                try:
                    art = json.loads(line)
                except ValueError:
                    continue
                if art.get("id") in wanted and art["id"] not in texts:
                    texts[art["id"]] = art.get("text") or ""
    out = []
    for aid, s, e, y, t in rows:
        text = texts.get(aid)
        if text is None or not (0 <= s < e <= len(text)):
            skipped["label whose article or offsets are missing"] += 1
            continue
        if aid in test_ids:
            skipped["label on a dev test-split article"] += 1
            continue
        out.append(LabelledSentence(aid, s, e, text[s:e], y, t if y else None, "news-labels"))
    return out, dict(skipped)


# --- fitting --------------------------------------------------------------------------------------

def _matrix(rows: list[list[str]], index: dict[str, int]):
    import numpy as np
    from scipy import sparse
    indptr, cols, vals = [0], [], []
    for names in rows:
        known = sorted({index[f] for f in names if f in index})
        value = 1.0 / np.sqrt(len(names)) if names else 0.0
        cols.extend(known)
        vals.extend([value] * len(known))
        indptr.append(len(cols))
    return sparse.csr_matrix((np.array(vals, dtype=np.float64), np.array(cols, dtype=np.int64),
                              np.array(indptr, dtype=np.int64)), shape=(len(rows), len(index)))


def fit_binary(X, y, l2: float):
    """Logistic regression (weights, bias) minimising mean log-loss + l2/2 * |w|^2 (bias unpenalised)."""
    import numpy as np
    from scipy.optimize import minimize
    n, d = X.shape
    yy = y.astype(np.float64)

    def loss(theta):
        w, b = theta[:d], theta[d]
        z = X @ w + b
        # log(1 + e^z) - y z, stably
        l = np.logaddexp(0.0, z) - yy * z
        p = 1.0 / (1.0 + np.exp(-z))
        g = p - yy
        grad_w = X.T @ g / n + l2 * w
        return l.mean() + 0.5 * l2 * w @ w, np.concatenate([grad_w, [g.mean()]])

    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x[:d], float(res.x[d])


def fit_softmax(X, y, k: int, l2: float):
    """Multinomial logistic regression: (weights d×k, bias k)."""
    import numpy as np
    from scipy.optimize import minimize
    n, d = X.shape
    Y = np.zeros((n, k))
    Y[np.arange(n), y] = 1.0

    def loss(theta):
        W, b = theta[:d * k].reshape(d, k), theta[d * k:]
        Z = X @ W + b
        Z -= Z.max(axis=1, keepdims=True)
        logp = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
        P = np.exp(logp)
        G = (P - Y) / n
        grad_W = X.T @ G + l2 * W
        return -(Y * logp).sum() / n + 0.5 * l2 * (W * W).sum(), np.concatenate([grad_W.ravel(), G.sum(axis=0)])

    res = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x[:d * k].reshape(d, k), res.x[d * k:]


def _auc(scores, labels) -> float:
    pairs = sorted(zip(scores, labels))
    pos = sum(labels)
    neg = len(labels) - pos
    if not pos or not neg:
        return float("nan")
    rank_sum, i = 0.0, 0
    while i < len(pairs):          # average ranks over ties
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        rank_sum += sum(1 for _, l in pairs[i:j] if l) * (i + j + 1) / 2
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def _cross_validate(features: list[list[str]], data: list[LabelledSentence], seed: int) -> dict[float, dict]:
    """Grouped-by-article k-fold AUC and log-loss of the event head for each L2 strength."""
    import numpy as np
    articles = sorted({s.article_id for s in data})
    random.Random(seed).shuffle(articles)
    fold_of = {a: i % FOLDS for i, a in enumerate(articles)}
    y = np.array([s.is_event for s in data])
    results = {}
    for l2 in L2_GRID:
        scores = np.zeros(len(data))
        for k in range(FOLDS):
            train_idx = [i for i, s in enumerate(data) if fold_of[s.article_id] != k]
            test_idx = [i for i, s in enumerate(data) if fold_of[s.article_id] == k]
            index = _vocabulary([features[i] for i in train_idx])
            w, b = fit_binary(_matrix([features[i] for i in train_idx], index), y[train_idx], l2)
            scores[test_idx] = 1 / (1 + np.exp(-(_matrix([features[i] for i in test_idx], index) @ w + b)))
        eps = 1e-9
        logloss = float(-np.mean(y * np.log(scores + eps) + (1 - y) * np.log(1 - scores + eps)))
        results[l2] = {"auc": round(_auc(scores.tolist(), y.tolist()), 4), "log_loss": round(logloss, 4)}
    return results


def _vocabulary(rows: list[list[str]]) -> dict[str, int]:
    df = Counter(f for names in rows for f in set(names))
    kept = sorted(f for f, n in df.items() if n >= MIN_DOCUMENT_FREQUENCY)
    return {f: i for i, f in enumerate(kept)}


def fit_model(data: list[LabelledSentence], features: list[list[str]], l2: float,
              threshold: float = DEFAULT_THRESHOLD) -> dict:
    """Both heads fitted on ``data`` (``features[i]`` are data[i]'s): the model file's content."""
    import numpy as np
    index = _vocabulary(features)
    X = _matrix(features, index)
    y = np.array([s.is_event for s in data])
    w, b = fit_binary(X, y, l2)
    positives = [i for i, s in enumerate(data) if s.is_event and s.event_type]
    types = sorted({data[i].event_type for i in positives})
    W, tb = fit_softmax(X[positives], np.array([types.index(data[i].event_type) for i in positives]),
                        len(types), l2)
    return {
        "format": MODEL_FORMAT,
        "threshold": threshold,
        "features": sorted(index, key=index.get),
        "event_weights": [round(float(v), 5) for v in w],
        "event_bias": round(b, 5),
        "types": types,
        "type_weights": [[round(float(v), 5) for v in row] for row in W],
        "type_bias": [round(float(v), 5) for v in tb],
    }


# --- the entry point ------------------------------------------------------------------------------

def train(output_dir: Path | str, seed: int = 0, gold_dir: Path = DEV / "gold",
          articles_path: Path = DEV / "articles.jsonl", labels_path: Path = LABELS,
          news_dir: Path = NEWS_DIR, threshold: float = DEFAULT_THRESHOLD) -> dict:
    """Fit both heads and write ``output_dir/events.json.gz`` and ``output_dir/events.card.json``.

    Returns the card: seed, data files with sha256, sentence counts, cross-validation figures, the
    chosen L2 strength, training seconds and the model's sha256.
    """
    t0 = time.perf_counter()
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    gold, gold_skipped = gold_sentences(gold_dir, articles_path)
    news, news_skipped = news_label_sentences(labels_path, news_dir, gold_dir)
    data = gold + news
    if not data or not any(s.is_event for s in data) or all(s.is_event for s in data):
        raise ValueError("event-sentence training needs both positive and negative sentences; "
                         "check eval/dev/articles.jsonl (build_articles.py) and the labels file")
    features = [sentence_features(s.text) for s in data]
    cv = _cross_validate(features, data, seed)
    l2 = min(L2_GRID, key=lambda v: (cv[v]["log_loss"], v))
    model = fit_model(data, features, l2, threshold)
    model["provenance"] = {"seed": seed, "l2": l2, "trainer": "rasd.train.events"}
    names = model["features"]
    positives = [s for s in data if s.is_event and s.event_type]
    model_path = output_dir / MODEL_FILE
    with open(model_path, "wb") as raw:
        # mtime=0 and no file name: the same model gives the same bytes (and sha256)
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
            fh.write(json.dumps(model, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    card = {
        "model": _rel(model_path),
        "model_sha256": sha256(model_path),
        "model_bytes": model_path.stat().st_size,
        "seed": seed,
        "data": [
            {"file": _rel(gold_dir), "what": "dev gold, tune split only (sha1(id) % 3 != 0)",
             "sha256_of_files": _dir_sha256(gold_dir)},
            {"file": _rel(articles_path), "sha256": sha256(articles_path)},
            {"file": _rel(labels_path), "sha256": sha256(labels_path)},
        ],
        "sentences": {"gold": len(gold), "gold_positive": sum(s.is_event for s in gold),
                      "news_labels": len(news), "news_positive": sum(s.is_event for s in news)},
        "skipped": {**gold_skipped, **news_skipped},
        "types": dict(Counter(s.event_type for s in positives)),
        "features": len(names),
        "cross_validation": {str(k): v for k, v in cv.items()},
        "l2": l2,
        "threshold": threshold,
        "training_seconds": round(time.perf_counter() - t0, 1),
    }
    (output_dir / "events.card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
    return card


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def _dir_sha256(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(Path(folder).glob("*.json")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def train_command(output: Path | None = None, seed: int = 0) -> dict:
    """What `rasd train events` runs: train into rasd/models (or --output) and print the card's figures."""
    card = train(output or REPO / "rasd/models", seed=seed)
    print(json.dumps({k: card[k] for k in ("model", "model_sha256", "model_bytes", "seed", "sentences", "l2",
                                           "cross_validation", "training_seconds")}, indent=1))
    return card


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", type=Path, default=None, help="folder for events.json.gz (default rasd/models)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    try:
        train_command(args.output, args.seed)
    except (OSError, ValueError) as exc:
        print(f"rasd train events: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
