"""Split the development gold into `tune` and `test` by a hash of the article id.

An article is `test` iff int(sha1(id).hexdigest(), 16) % 3 == 0, else `tune`: stable when gold files are
added or removed, and independent of who annotated what. Writes eval/dev/splits.json
{"tune": [...], "test": [...]} (ids sorted); with --materialise, also copies the gold files into
eval/dev/tune/ and eval/dev/test/ (plain copies, refreshed each run, git-ignored by a .gitignore inside
each) so that score.py --gold can take a folder.

    python3 eval/dev/split.py [--gold-dir eval/dev/gold] [--materialise]

Callers that only need the rule can import `split_of(article_id)`.
"""
import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPLITS = ("tune", "test")


def split_of(article_id: str) -> str:
    """'test' for one article id in three (by sha1 of the id), else 'tune'."""
    return "test" if int(hashlib.sha1(article_id.encode("utf-8")).hexdigest(), 16) % 3 == 0 else "tune"


def read_gold_ids(gold_dir: Path) -> tuple[dict[str, Path], list[str]]:
    """Article id -> gold file, and messages for files that could not be read (skipped, not fatal)."""
    files, bad = {}, []
    for path in sorted(gold_dir.glob("*.json")):
        try:
            files[str(json.loads(path.read_text(encoding="utf-8"))["id"])] = path
        except (OSError, ValueError, KeyError, TypeError) as err:
            bad.append(f"{path.name}: {err}")
    return files, bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold-dir", type=Path, default=HERE / "gold")
    ap.add_argument("--out", type=Path, default=HERE / "splits.json")
    ap.add_argument("--materialise", action="store_true", help="copy gold files into tune/ and test/ folders")
    args = ap.parse_args()
    if not args.gold_dir.is_dir():
        print(f"gold folder not found: {args.gold_dir}", file=sys.stderr)
        return 2
    files, bad = read_gold_ids(args.gold_dir)
    for msg in bad:
        print(f"skipped unreadable gold file {msg}", file=sys.stderr)
    splits = {name: sorted(i for i in files if split_of(i) == name) for name in SPLITS}
    args.out.write_text(json.dumps(splits, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.materialise:
        for name in SPLITS:
            folder = args.out.parent / name
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            # copies, regenerated on demand: the folder ignores itself so they are never committed twice
            (folder / ".gitignore").write_text("*\n", encoding="utf-8")
            for aid in splits[name]:
                shutil.copyfile(files[aid], folder / files[aid].name)
    print(f"{len(splits['tune'])} tune, {len(splits['test'])} test, {len(bad)} skipped -> {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
