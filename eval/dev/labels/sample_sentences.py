"""Draw the news sentences hand-labelled for the event-sentence classifier (seeded, reproducible).

Candidate sentences are the ones rasd's rules would turn into event candidates (a trigger or a casualty
count: ``rasd.events.assemble.build_candidates``), so the labels teach the classifier exactly the choice
it makes at run time. Articles come from both shared corpora, never from the development gold (tune or
test), at most two candidates per article so no single story dominates.

    .venv/bin/python eval/dev/labels/sample_sentences.py --n 340 --out /tmp/to_label.jsonl

Writes {article_id, start, end, text} lines to --out (a local file: the text is for the annotator's eyes
and must not be committed); the committed labels (news_sentences.tsv) hold ids and offsets only.
Reads /work/shared/data/news (a build-time script, never run by the package).
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEWS = HERE.parents[3] / "shared/data/news"
CORPORA = ("ant-2018.jsonl.gz", "saudinewsnet-2015.jsonl.gz")
SEED = 5
PER_ARTICLE = 2


def gold_ids() -> set[str]:
    return {p.stem for p in (HERE.parent / "gold").glob("*.json")}


def main() -> int:
    from rasd.events.assemble import build_candidates
    from rasd.model import Article
    from rasd.pipeline import analyse, parse_published
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=340)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    rng = random.Random(SEED)
    exclude = gold_ids()
    pool: list[dict] = []
    for name in CORPORA:
        with gzip.open(NEWS / name, "rt", encoding="utf-8") as fh:
            for line in fh:
                try:
                    art = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if art.get("id") in exclude or not art.get("text"):
                    continue
                # cheap prefilter so the sample is not mostly sport and business: a violence stem
                if any(w in art["text"] for w in ("قتل", "مقتل", "هجوم", "غارة", "غارات", "اشتباك", "تفجير",
                                                   "قصف", "اعتقال", "مظاهر", "احتجاج", "انفجار", "مسلح")):
                    pool.append(art)
    rng.shuffle(pool)
    taken = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for art in pool:
            if taken >= args.n:
                break
            article = Article(art["id"], art["text"], published=parse_published((art.get("published") or "")[:10] or None))
            cands = build_candidates(analyse(article))
            if not cands:
                continue
            for c in rng.sample(cands, min(PER_ARTICLE, len(cands))):
                s = c.sentence
                out.write(json.dumps({"article_id": art["id"], "start": s.start, "end": s.end,
                                      "published": (art.get("published") or "")[:10],
                                      "text": art["text"][s.start:s.end]}, ensure_ascii=False) + "\n")
                taken += 1
    print(f"{taken} sentences from a pool of {len(pool)} articles -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
