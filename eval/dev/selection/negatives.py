"""Select articles with no conflict vocabulary (politics, diplomacy, economy, sport...) for the development gold.

They measure false alarms: their gold has no events. Deterministic: from each corpus, keep the articles
(in file order) whose title and text match none of the violence words of snn.py, then draw a seeded random
sample (seed 4) of --per-corpus from each. Prints the ids (ANT first, then SNN); with --write, writes
negatives.txt beside this script. Reads /work/shared (a build-time script, never run by the package).

    python3 eval/dev/selection/negatives.py [--news-dir DIR] [--per-corpus 10] [--seed 4] [--write]
"""
import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from snn import VIOLENCE, distinct_articles  # noqa: E402  (one violence list for both selections)

DEFAULT_NEWS_DIR = Path(__file__).resolve().parents[4] / "shared/data/news"
CORPORA = ("ant-2018.jsonl.gz", "saudinewsnet-2015.jsonl.gz")


def candidates(corpus: Path):
    for art, blob in distinct_articles(corpus):
        if not VIOLENCE.search(blob):
            yield art["id"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--news-dir", type=Path, default=DEFAULT_NEWS_DIR)
    ap.add_argument("--per-corpus", type=int, default=10)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--write", action="store_true", help="write negatives.txt beside this script")
    args = ap.parse_args()
    chosen = []
    for name in CORPORA:
        corpus = args.news_dir / name
        if not corpus.exists():
            print(f"corpus not found: {corpus} (pass --news-dir)", file=sys.stderr)
            return 2
        pool = list(candidates(corpus))
        picked = random.Random(args.seed).sample(pool, min(args.per_corpus, len(pool)))
        print(f"{name}: {len(pool)} candidates, {len(picked)} chosen", file=sys.stderr)
        chosen += picked
    print("\n".join(chosen))
    if args.write:
        (Path(__file__).with_name("negatives.txt")).write_text("\n".join(chosen) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
