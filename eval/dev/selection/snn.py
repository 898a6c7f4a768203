"""Select conflict-mentioning SaudiNewsNet 2015 articles for the development gold (issue 4, share gold3).

Deterministic: keyword filter over the corpus in file order, then a seeded random sample (seed 3).
Prints the selected ids, one a line, in sample order (the annotation order); with --write, also writes
them to snn.txt beside this script. Reads /work/shared (a build-time script, never run by the package).

    python3 eval/dev/selection/snn.py [--corpus PATH] [--n 30] [--seed 3] [--write]
"""
import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[4] / "shared/data/news/saudinewsnet-2015.jsonl.gz"

# Places and actors of the regions in scope: Iraq, Syria, Yemen, Libya, Palestine, Egypt/Sinai, the Sahel.
REGION = re.compile(
    "العراق|عراقي|بغداد|الموصل|الأنبار|الانبار|الرمادي|الفلوجة|ديالى|كركوك|صلاح الدين|تكريت|البصرة|"
    "سوريا|سورية|السوري|دمشق|حلب|إدلب|ادلب|حمص|حماة|درعا|الرقة|دير الزور|الحسكة|القنيطرة|اللاذقية|"
    "اليمن|يمني|صنعاء|عدن|تعز|مأرب|الحديدة|صعدة|لحج|أبين|شبوة|حضرموت|الضالع|الحوثي|"
    "ليبيا|ليبي|طرابلس|بنغازي|درنة|سرت|مصراتة|"
    "فلسطين|فلسطيني|غزة|الضفة|القدس|نابلس|الخليل|جنين|رام الله|إسرائيل|الاحتلال|حماس|"
    "مصر|مصري|سيناء|العريش|رفح|الشيخ زويد|القاهرة|"
    "مالي|النيجر|بوركينا|تشاد|نيجيريا|بوكو حرام|موريتانيا|"
    "داعش|الدولة الإسلامية|القاعدة|النصرة"
)
# Violence words (stems, so that clitics and plurals still match).
VIOLENCE = re.compile(
    "قتل|مقتل|قتلى|غارة|غارات|قصف|هجوم|انفجار|تفجير|اشتباك|اختطاف|خطف|اعتقال|تظاهر|مظاهرة|"
    "مسلح|عبوة|صاروخ|مفخخ|انتحاري|معارك|اغتيال|جرحى|إصابة"
)
MIN_CHARS = 200   # drop stubs (captions, one-line alerts with no body)
MAX_CHARS = 5000  # keep hand annotation feasible in one session; documented in snn.md


def distinct_articles(corpus: Path):
    """Articles of the corpus in file order, within the length range, each text once (shared with negatives.py)."""
    seen_texts = set()
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        for line in f:
            try:
                art = json.loads(line)
            except json.JSONDecodeError:
                continue
            text = art.get("text") or ""
            if not (MIN_CHARS <= len(text) <= MAX_CHARS) or text in seen_texts:
                continue
            seen_texts.add(text)
            yield art, (art.get("title") or "") + "\n" + text


def candidates(corpus: Path):
    for art, blob in distinct_articles(corpus):
        if REGION.search(blob) and VIOLENCE.search(blob):
            yield art["id"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="write snn.txt beside this script")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus} (pass --corpus)", file=sys.stderr)
        return 2
    pool = list(candidates(args.corpus))
    chosen = random.Random(args.seed).sample(pool, min(args.n, len(pool)))
    print(f"{len(pool)} candidates, {len(chosen)} chosen", file=sys.stderr)
    print("\n".join(chosen))
    if args.write:
        (Path(__file__).with_name("snn.txt")).write_text("\n".join(chosen) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
