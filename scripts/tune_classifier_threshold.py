"""Choose the event-sentence classifier's threshold by the event F1 of `rasd evaluate` on the tune split.

Simulates the pipeline with the classifier plugged in: ``build_candidates`` is wrapped so that candidates
whose sentence scores below the threshold are dropped (``--mode all``), or only those that could stand as
an event on their own (``--mode substantive``: a sentence that merely adds a count or a source to the
story before it is kept). Rules alone (no filtering) is the first line of the table.

    .venv/bin/python scripts/tune_classifier_threshold.py                       # tune split, grid of cuts
    .venv/bin/python scripts/tune_classifier_threshold.py --split test --thresholds 0.3   # report once

Never choose the threshold on `test`: run it there only to report the chosen cut against rules alone.

The shipped model was trained on the tune split's sentences, so on `tune` it scores its own training
data (over-confident). ``--cross-fit K`` (the default on tune) instead scores each tune article with a
model fitted without that article's fold (K folds of the tune articles, the news labels always in), so
the threshold is chosen on scores like the ones unseen articles get.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rasd.events import assemble  # noqa: E402
from rasd.events.classifier import EventSentenceClassifier, load_classifier  # noqa: E402
import rasd.pipeline as pipeline  # noqa: E402
from rasd.evaluate.events import evaluate  # noqa: E402


def cross_fitted(k: int, l2: float, seed: int = 0) -> dict[str, EventSentenceClassifier]:
    """For each tune article id, a classifier fitted without that article (its fold left out)."""
    import random
    from rasd.events.classifier import sentence_features
    from rasd.train.events import fit_model, gold_sentences, news_label_sentences
    gold, _ = gold_sentences()
    news, _ = news_label_sentences()
    articles = sorted({s.article_id for s in gold})
    random.Random(seed).shuffle(articles)
    fold_of = {a: i % k for i, a in enumerate(articles)}
    by_article: dict[str, EventSentenceClassifier] = {}
    for fold in range(k):
        data = [s for s in gold if fold_of[s.article_id] != fold] + news
        clf = EventSentenceClassifier.from_dict(fit_model(data, [sentence_features(s.text) for s in data], l2))
        by_article.update({a: clf for a, f in fold_of.items() if f == fold})
    return by_article


@contextmanager
def filtered_candidates(clf: EventSentenceClassifier, threshold: float, mode: str,
                        per_article: dict[str, EventSentenceClassifier] | None = None):
    """Patch build_candidates (where the pipeline looks it up) to drop low-scoring candidates."""
    original = assemble.build_candidates
    cache: dict[tuple[str, str], float] = {}

    def build(an):
        cands = original(an)
        model = (per_article or {}).get(an.article.id, clf)
        texts = [an.article.text[c.sentence.start:c.sentence.end] for c in cands]
        todo = [t for t in texts if (an.article.id, t) not in cache]
        for t, s in zip(todo, model.score(todo)):
            cache[(an.article.id, t)] = s
        return [c for c, t in zip(cands, texts)
                if cache[(an.article.id, t)] >= threshold or (mode == "substantive" and not assemble.is_substantive(c))]

    assemble.build_candidates = build
    pipeline.build_candidates = build
    try:
        yield
    finally:
        assemble.build_candidates = original
        pipeline.build_candidates = original


def run(gold: Path, articles: Path, split: str) -> tuple[dict, float]:
    t0 = time.perf_counter()
    scores, _ = evaluate(gold, articles, split)
    seconds = time.perf_counter() - t0
    return scores.summary(), 1000 * seconds / max(1, scores.articles)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=REPO / "eval/dev/gold")
    ap.add_argument("--articles", type=Path, default=REPO / "eval/dev/articles.jsonl")
    ap.add_argument("--split", default="tune", choices=("tune", "test"))
    ap.add_argument("--model", type=Path, default=None, help="events.json.gz (default: the shipped model)")
    ap.add_argument("--mode", default="all", choices=("all", "substantive"))
    ap.add_argument("--thresholds", default="0.1,0.15,0.2,0.25,0.3,0.35,0.4,0.45,0.5,0.55,0.6")
    ap.add_argument("--cross-fit", type=int, default=None,
                    help="K: score tune articles with models fitted without their fold (default 3 on tune)")
    ap.add_argument("--json", action="store_true", help="print the table as JSON")
    args = ap.parse_args()
    clf = EventSentenceClassifier.from_file(args.model) if args.model else load_classifier()
    if clf is None:
        print("no event-sentence model: train one with `rasd train events`", file=sys.stderr)
        return 1
    k = args.cross_fit if args.cross_fit is not None else (3 if args.split == "tune" else 0)
    if k and args.split == "test":
        print("--cross-fit is for the tune split (the model never saw test)", file=sys.stderr)
        return 2
    per_article = cross_fitted(k, float(clf.provenance.get("l2", 3e-4))) if k else None
    run(args.gold, args.articles, args.split)         # warm the knowledge-base caches before timing
    rows = []
    base, ms = run(args.gold, args.articles, args.split)
    rows.append({"threshold": None, **{k: base[k] for k in ("tp", "fp", "fn", "precision", "recall", "f1")},
                 "negatives_with_false_events": base["negative_articles_with_false_events"], "ms_per_article": ms})
    for t in (float(x) for x in args.thresholds.split(",")):
        with filtered_candidates(clf, t, args.mode, per_article):
            s, ms = run(args.gold, args.articles, args.split)
        rows.append({"threshold": t, **{k: s[k] for k in ("tp", "fp", "fn", "precision", "recall", "f1")},
                     "negatives_with_false_events": s["negative_articles_with_false_events"],
                     "ms_per_article": ms})
    if args.json:
        print(json.dumps({"split": args.split, "mode": args.mode, "cross_fit": k, "rows": rows}, indent=1))
    else:
        print(f"split={args.split} mode={args.mode} cross-fit={k} articles={base['articles']} gold_required={base['gold_required']}")
        for r in rows:
            cut = "rules" if r["threshold"] is None else f"{r['threshold']:.2f}"
            print(f"{cut:>6}  tp={r['tp']:3d} fp={r['fp']:3d} fn={r['fn']:3d}  P={r['precision']:.3f} "
                  f"R={r['recall']:.3f} F1={r['f1']:.3f}  neg-with-FP={r['negatives_with_false_events']}  "
                  f"{r['ms_per_article']:.0f} ms/article")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
