"""Select the ANT 2018 (Feb-May) articles for the development gold set (issue 4).

Deterministic: the same corpus file always yields the same ids. Run from the repository root:

    python3 eval/dev/selection/ant_early.py > eval/dev/selection/ant_early.txt

Reads ../shared/data/news/ant-2018.jsonl.gz (build-time only; nothing here ships in the package).
The filter is deliberately simple and high-recall: an article qualifies when its title or text names a
place or actor of the regions in scope AND contains a violence word. The sample is then drawn with a
seeded random generator over the qualifying ids sorted, so the choice does not depend on file order.
"""
import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

DEFAULT_NEWS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "news" / "ant-2018.jsonl.gz"
MONTHS = {"2018-02", "2018-03", "2018-04", "2018-05"}
SEED = 1
SAMPLE_SIZE = 45

# Places and actors of the regions in scope: Iraq, Syria, Yemen, Libya, Palestine, Egypt/Sinai, Sahel.
REGION = re.compile(
    "العراق|عراقي|بغداد|الموصل|نينوى|الأنبار|ديالى|كركوك|صلاح الدين|البصرة|"
    "سوريا|سوري|دمشق|حلب|إدلب|ادلب|الغوطة|درعا|حمص|حماة|الرقة|دير الزور|الحسكة|عفرين|منبج|"
    "اليمن|يمني|صنعاء|عدن|الحديدة|تعز|مأرب|صعدة|الحوثي|"
    "ليبيا|ليبي|طرابلس|بنغازي|درنة|سرت|مصراتة|سبها|حفتر|"
    "فلسطين|فلسطيني|غزة|الضفة الغربية|القدس|الخليل|نابلس|جنين|حماس|"
    "سيناء|العريش|رفح|مصر|"
    "مالي|النيجر|بوركينا|تشاد|الساحل|نيجيريا|بوكو حرام|"
    "داعش|تنظيم الدولة|القاعدة|جبهة النصرة|هيئة تحرير الشام|قوات سوريا الديمقراطية|الحشد الشعبي"
)
VIOLENCE = re.compile(
    "قتل|مقتل|قتلى|قتيل|غارة|غارات|قصف|هجوم|انفجار|تفجير|اشتباك|اشتباكات|اختطاف|خطف|اعتقال|اعتقل|"
    "تظاهر|مظاهرة|احتجاج|مسلح|عبوة|صاروخ|صواريخ|مفخخة|انتحاري|جرحى|إصابة"
)


def qualifies(article: dict) -> bool:
    blob = f"{article.get('title') or ''}\n{article.get('text') or ''}"
    return bool(REGION.search(blob) and VIOLENCE.search(blob))


def select(news_path: Path, size: int = SAMPLE_SIZE, seed: int = SEED) -> list[str]:
    candidates = []
    with gzip.open(news_path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            article = json.loads(line)
            if str(article.get("published", ""))[:7] in MONTHS and qualifies(article):
                candidates.append(article["id"])
    candidates = sorted(set(candidates))
    print(f"{len(candidates)} qualifying articles", file=sys.stderr)
    return random.Random(seed).sample(candidates, size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=DEFAULT_NEWS)
    parser.add_argument("--size", type=int, default=SAMPLE_SIZE)
    args = parser.parse_args()
    if not args.news.exists():
        sys.exit(f"news file not found: {args.news} (pass --news PATH)")
    for article_id in select(args.news, args.size):
        print(article_id)


if __name__ == "__main__":
    main()
