#!/usr/bin/env python3
"""Build rasd/recognise/data/common_words.txt.gz: frequent surface words of Arabic news.

A place name glued to a clitic ("بشرية" read as ب + "شرية") is suspicious when the whole word is itself a
frequent word of the news. This script counts folded tokens in the news corpora (build time only: the
corpora are not shipped) and writes the words seen at least MIN_COUNT times, one per line, with a header.

Usage: python3 scripts/build_common_words.py [--news ../shared/data/news] [--min-count 30]
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasd.text.normalise import fold  # noqa: E402
from rasd.text.tokens import tokenize  # noqa: E402

OUT = ROOT / "rasd" / "recognise" / "data" / "common_words.txt.gz"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--news", default=str(ROOT.parent / "shared" / "data" / "news"))
    ap.add_argument("--min-count", type=int, default=30)
    args = ap.parse_args()
    counts: Counter[str] = Counter()
    files = sorted(Path(args.news).glob("*.jsonl.gz"))
    for f in files:
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line).get("text") or ""
                counts.update(t.text for t in tokenize(fold(text)) if not t.text[0].isdigit())
    words = sorted(w for w, n in counts.items() if n >= args.min_count and len(w) >= 3)
    header = (f"# rasd common words: folded news tokens seen >= {args.min_count} times in {', '.join(f.name for f in files)}\n"
              "# (counts only; no text is shipped). Built by scripts/build_common_words.py. version: 1\n"
              "# source: ANT corpus v2.1 (Chouigui et al.), SaudiNewsNet (CC BY-NC-SA 4.0); word list licence: CC BY 4.0\n")
    with gzip.open(OUT, "wt", encoding="utf-8") as fh:
        fh.write(header)
        fh.write("\n".join(words) + "\n")
    print(f"{len(words)} words -> {OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
