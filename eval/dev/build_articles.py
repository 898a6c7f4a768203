"""Rebuild eval/dev/articles.jsonl: the article record of every gold file, fetched from the shared corpora.

The gold files hold only ids and annotations (the texts belong to the outlets and must not be committed);
this script puts the texts back beside them, locally, for scoring and for `score.py --check`.
Each output line is the corpus record unchanged: {id, source, url, published, title, text}, in id order.

    python3 eval/dev/build_articles.py                     # every eval/dev/gold/*.json -> eval/dev/articles.jsonl
    python3 eval/dev/build_articles.py --ids LIST.txt --out /tmp/a.jsonl   # also/instead: ids listed in a file

Reads /work/shared/data/news (a build-time script, never run by the package). Exit status 1 when an id
is found in no corpus (listed on stderr); unreadable gold files are skipped and counted, not fatal.
"""
import argparse
import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_NEWS_DIR = HERE.parents[2] / "shared/data/news"


def gold_ids(gold_dir: Path) -> tuple[set[str], list[str]]:
    """Ids named by the gold files (the `id` field, else the file stem), and the files that could not be read."""
    ids, bad = set(), []
    for path in sorted(gold_dir.glob("*.json")):
        try:
            ids.add(str(json.loads(path.read_text(encoding="utf-8"))["id"]))
        except (OSError, ValueError, KeyError, TypeError) as err:
            bad.append(f"{path.name}: {err}")
    return ids, bad


def listed_ids(path: Path) -> set[str]:
    return {ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")}


def fetch(ids: set[str], news_dir: Path) -> dict[str, dict]:
    """One pass over every corpus in news_dir; the first record of each wanted id wins."""
    found: dict[str, dict] = {}
    for corpus in sorted(news_dir.glob("*.jsonl.gz")):
        with gzip.open(corpus, "rt", encoding="utf-8") as f:
            for line in f:
                if len(found) == len(ids):
                    return found
                try:
                    art = json.loads(line)
                except json.JSONDecodeError:
                    continue
                aid = art.get("id")
                if aid in ids and aid not in found:
                    found[aid] = {k: art.get(k) for k in ("id", "source", "url", "published", "title", "text")}
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold-dir", type=Path, default=HERE / "gold")
    ap.add_argument("--news-dir", type=Path, default=DEFAULT_NEWS_DIR)
    ap.add_argument("--ids", type=Path, action="append", default=[], help="file of ids, one a line (repeatable)")
    ap.add_argument("--no-gold", action="store_true", help="only the ids from --ids files")
    ap.add_argument("--out", type=Path, default=HERE / "articles.jsonl")
    args = ap.parse_args()

    if not args.news_dir.is_dir():
        print(f"news folder not found: {args.news_dir} (pass --news-dir)", file=sys.stderr)
        return 2
    ids: set[str] = set()
    if not args.no_gold:
        from_gold, bad = gold_ids(args.gold_dir)
        ids |= from_gold
        for msg in bad:
            print(f"skipped unreadable gold file {msg}", file=sys.stderr)
    for path in args.ids:
        ids |= listed_ids(path)
    found = fetch(ids, args.news_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for aid in sorted(found):
            out.write(json.dumps(found[aid], ensure_ascii=False) + "\n")
    missing = sorted(ids - found.keys())
    print(f"wrote {len(found)} articles to {args.out}; {len(missing)} ids not found", file=sys.stderr)
    for aid in missing:
        print(f"  not found: {aid}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
