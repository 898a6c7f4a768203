"""Draw a seeded random sample of events from an events JSONL for a hand check (issue 2's resolution figure).

For each drawn event it prints the record's key fields (type, date and the date expression, place, actors,
fatalities and the UCDP-style death breakdown, attribution), its evidence spans, and the full text of the
article it came from, looked up by id in the news corpus. Everything goes to the terminal only: the news
texts must never be written into the project.

The draw is ``random.Random(seed).sample(events, n)`` over the events in file order, so the same file and
seed always give the same sample. Lines that are not valid JSON objects are skipped and counted.

Usage:
  .venv/bin/python scripts/sample_events.py /tmp/ant_events3.jsonl [-n 20] [--seed 2026]
      [--news ../shared/data/news/ant-2018.jsonl.gz] [--ids-only]
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

DEFAULT_NEWS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "news" / "ant-2018.jsonl.gz"

KEY_FIELDS: tuple[tuple[str, ...], ...] = (
    ("event_type", "sub_event_type"),
    ("modality", "confidence"),
    ("event_date", "date_expression", "time_precision"),
    ("location", "location_ar", "admin1", "country_code", "geo_precision"),
    ("latitude", "longitude", "gazetteer_id"),
    ("actor1", "actor1_ar"),
    ("actor2", "actor2_ar"),
    ("fatalities", "injured", "kidnapped", "arrested"),
    ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "low", "high"),
    ("attribution", "attribution_en"),
)


def read_events(path: Path) -> tuple[list[dict], int]:
    """Every JSON-object line of ``path`` in file order, and the count of lines skipped as malformed."""
    events: list[dict] = []
    skipped = 0
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                skipped += 1
                continue
            if isinstance(record, dict):
                events.append(record)
            else:
                skipped += 1
    return events, skipped


def draw_sample(events: list[dict], n: int, seed: int) -> list[dict]:
    """``n`` events drawn without replacement by ``random.Random(seed)`` (all of them if there are fewer)."""
    return random.Random(seed).sample(events, min(n, len(events)))


def fetch_articles(news_path: Path, wanted: set[str]) -> dict[str, dict]:
    """The article records whose id is in ``wanted``, read in one pass over the corpus."""
    found: dict[str, dict] = {}
    with gzip.open(news_path, "rt", encoding="utf-8") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            article_id = record.get("id") if isinstance(record, dict) else None
            if article_id in wanted:
                found[article_id] = record
                if len(found) == len(wanted):
                    break
    return found


def format_event(index: int, event: dict) -> str:
    lines = [f"=== [{index}] {event.get('event_id')}  article(s): {', '.join(event.get('article_ids') or [])}"]
    for group in KEY_FIELDS:
        lines.append("  " + " | ".join(f"{name}={event.get(name)!r}" for name in group))
    for source in event.get("sources") or []:
        lines.append(f"  source: {source.get('outlet')} published={source.get('published')} {source.get('url')}")
    for evidence in event.get("evidence") or []:
        lines.append(f"  evidence [{evidence.get('start')}:{evidence.get('end')}]: {evidence.get('text')}")
    lines.append(f"  notes: {event.get('notes')}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=Path, help="events JSONL written by `rasd extract --format jsonl`")
    parser.add_argument("-n", type=int, default=20, help="how many events to draw (default 20)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--news", type=Path, default=DEFAULT_NEWS, help="article corpus (jsonl.gz)")
    parser.add_argument("--ids-only", action="store_true", help="print only event and article ids")
    args = parser.parse_args(argv)

    if not args.events.is_file():
        print(f"sample_events: no such events file: {args.events}", file=sys.stderr)
        return 2
    events, skipped = read_events(args.events)
    print(f"# {len(events)} events read from {args.events}; {skipped} malformed line(s) skipped; "
          f"drawing {min(args.n, len(events))} with random.Random({args.seed})")
    sample = draw_sample(events, args.n, args.seed)
    if args.ids_only:
        for index, event in enumerate(sample, 1):
            print(index, event.get("event_id"), " ".join(event.get("article_ids") or []), sep="\t")
        return 0

    articles: dict[str, dict] = {}
    if args.news.is_file():
        wanted = {aid for event in sample for aid in event.get("article_ids") or []}
        articles = fetch_articles(args.news, wanted)
    else:
        print(f"# news corpus not found at {args.news}: article texts not shown", file=sys.stderr)

    for index, event in enumerate(sample, 1):
        print(format_event(index, event))
        for article_id in event.get("article_ids") or []:
            article = articles.get(article_id)
            if article is None:
                print(f"  --- article {article_id}: not found in the corpus")
                continue
            print(f"  --- article {article_id} published={article.get('published')} source={article.get('source')}")
            print(f"  title: {article.get('title')}")
            print(article.get("text") or "")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
