"""Select the ANT-2018 June–October slice of the development gold set (issue 4).

Deterministic: articles are filtered by keyword, sorted by id, then sampled with random.Random(SEED).
Reads ../shared at build time only; writes the chosen ids (no texts) to ant_late.txt beside this file.

    python3 eval/dev/selection/ant_late.py [--news PATH] [--n 45]
"""
import argparse
import gzip
import json
import random
from pathlib import Path

SEED = 2
MONTHS = ("2018-06", "2018-07", "2018-08", "2018-09", "2018-10")
# Region cues: countries, major places and armed actors of Iraq, Syria, Yemen, Libya, Palestine,
# Egypt/Sinai and the Sahel. Matched as plain substrings of the raw text (selection only, not the product).
REGION_WORDS = (
    "العراق", "عراقي", "بغداد", "الموصل", "نينوى", "الأنبار", "ديالى", "كركوك", "صلاح الدين", "البصرة",
    "سوريا", "سوري", "دمشق", "حلب", "إدلب", "درعا", "حمص", "حماة", "دير الزور", "الرقة", "الحسكة", "القنيطرة",
    "اليمن", "يمني", "صنعاء", "عدن", "الحديدة", "تعز", "مأرب", "صعدة", "الحوثي",
    "ليبيا", "ليبي", "طرابلس", "بنغازي", "درنة", "سرت", "مصراتة", "حفتر",
    "غزة", "الضفة الغربية", "فلسطين", "فلسطيني", "القدس", "الخليل", "نابلس", "جنين", "رام الله", "حماس",
    "سيناء", "العريش", "رفح", "مصر",
    "مالي", "النيجر", "بوركينا", "تشاد", "نيجيريا", "بوكو حرام", "الساحل",
    "داعش", "تنظيم الدولة", "القاعدة", "النصرة", "هيئة تحرير الشام", "قسد", "سوريا الديمقراطية",
)
VIOLENCE_WORDS = (
    "قتل", "مقتل", "قتلى", "غارة", "غارات", "قصف", "هجوم", "انفجار", "تفجير", "اشتباك", "اشتباكات",
    "اختطاف", "خطف", "اعتقال", "اعتقل", "تظاهر", "مظاهرة", "احتجاج", "مسلح", "عبوة", "صاروخ", "قذيفة",
    "انتحاري", "مفخخة", "جرحى", "إصابة", "استهداف",
)


def mentions_conflict(text: str) -> bool:
    return any(w in text for w in REGION_WORDS) and any(w in text for w in VIOLENCE_WORDS)


def select(news_path: Path, n: int) -> list[str]:
    candidates = []
    with gzip.open(news_path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            article = json.loads(line)
            if article.get("published", "")[:7] in MONTHS and mentions_conflict(article.get("text") or ""):
                candidates.append(article["id"])
    candidates.sort()
    return sorted(random.Random(SEED).sample(candidates, n)), len(candidates)


def main() -> None:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--news", type=Path, default=here.parents[3] / "shared/data/news/ant-2018.jsonl.gz")
    ap.add_argument("--n", type=int, default=45)
    args = ap.parse_args()
    chosen, pool = select(args.news, args.n)
    (here / "ant_late.txt").write_text("\n".join(chosen) + "\n", encoding="utf-8")
    print(f"{len(chosen)} of {pool} candidate articles written to {here / 'ant_late.txt'}")


if __name__ == "__main__":
    main()
