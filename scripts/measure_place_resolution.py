"""Measure place resolution on the real run-time path (issue 3's "done when" figures).

Every figure goes through ``rasd.pipeline.analyse`` (gazetteer lexicon, context words, NER reconciliation,
dateline and overlap rules) and ``rasd.resolve.geocode.resolve_mentions`` with ``article_context`` — exactly
what the event assembler does for one place mention.

Subcommands (all seeded, deterministic):

  ner     NewsFANE (Population-Center, State-or-Province, County-or-District, Nation) and ANERcorp CAMeL test
          (LOC): each corpus is cut into its sentences (NewsFANE) or 80-token windows (ANERcorp, no sentence
          breaks), joined with spaces into an Article and analysed. A gold place entity counts as resolved when a
          pipeline place mention overlaps it and resolve_mentions on that one mention returns a place. Prints the
          shares and writes a seeded sample of 100 resolved entities to eval/kb/ner_sample.tsv with an empty
          ``judgement`` column for the hand check (entity text only, no sentences).
  news    Draws conflict articles about Iraq/Syria/Yemen/Libya/Palestine from ant-2018 (seeded; not in
          eval/dev/gold; conflict = the pipeline finds a violence trigger; the article is "about" the country
          when its most-named country among resolved places is one of the five) and writes
          eval/kb/news_sample.tsv: article id, offsets and resolved place id of every place mention, judgement
          empty. ``--show`` prints the texts with the mentions marked for the hand check (never written to disk).
          ``--fresh`` skips the articles already judged in eval/kb/news_*.tsv (so it draws the next ones in the
          same seeded order) and writes eval/kb/news_fresh.tsv (or ``--out``).
  rejudge Re-runs the articles of a judged file (``--file``, default news_sample.tsv) with the current pipeline,
          carries judgements over for unchanged rows, leaves changed rows for judging; writes *.new.tsv.
  report  Reads the judged TSVs and prints the figures (markdown) for docs/kb.md.
  size    Artefact size, load time of load_gazetteer() + its lexicon, RSS (fresh interpreters).
  stats   `rasd kb stats` counts for the 15 focus countries.

Judgements: ner_sample.tsv ``right`` / ``wrong`` / ``notplace`` (the gold entity is not a place in the sense
of the gazetteer, e.g. an organisation). news_sample.tsv ``right`` (right unit at the precision the text
allows) / ``wrong`` (wrong unit) / ``notplace`` (the mention is not a place here) / ``adjective`` (a country
adjective such as "الخارجية السورية" taken as the country) / ``missed`` (a place the pipeline did not find; its
offsets added by hand, ``-`` for the place id) / ``unresolved`` (a real place found but no place returned) /
``unresolved-notplace`` (a non-place found and not resolved: harmless); ``country`` is the true country of the
place (``-`` for non-places), which selects the Iraq/Syria/Yemen/Libya/Palestine subset.

Usage: .venv/bin/python scripts/measure_place_resolution.py {ner,news,rejudge,report,size,stats} [--shared ../shared]
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from measure_gazetteer_coverage import entities, read_conll  # noqa: E402

from rasd.model import Article  # noqa: E402

NEWSFANE_LABELS = ("Nation", "State-or-Province", "County-or-District", "Population-Center")
ANER_LABELS = ("LOC",)
FOCUS = ("IQ", "SY", "YE", "LY", "PS")
OUT = ROOT / "eval" / "kb"
SAMPLE_SIZE = 100
NER_SEED = 3
NEWS_SEED = 3


def _resolve_one(an, mention):
    from rasd.kb.gazetteer import load_gazetteer
    from rasd.resolve.geocode import article_context, resolve_mentions
    return resolve_mentions(load_gazetteer(), [mention], article_context(an))


def ner_rows(path: Path, labels: tuple[str, ...], corpus: str) -> tuple[list[dict], Counter]:
    from rasd.pipeline import analyse
    rows: list[dict] = []
    counts: Counter = Counter()
    for si, sent in enumerate(read_conll(path)):
        offsets, pos = [], 0
        for tok, _ in sent:
            offsets.append((pos, pos + len(tok)))
            pos += len(tok) + 1
        text = " ".join(tok for tok, _ in sent)
        ents = entities(sent, labels)
        if not ents:
            continue
        an = analyse(Article(f"{corpus}-{si}", text))
        for ent in ents:
            s, e = offsets[ent.start][0], offsets[ent.end - 1][1]
            counts["entities"] += 1
            counts[f"entities:{ent.label}"] += 1
            found = [m for m in an.places if m.start < e and s < m.end]
            resolved = None
            for m in found:
                resolved = _resolve_one(an, m)
                if resolved:
                    break
            if found:
                counts["found"] += 1
            if resolved:
                counts["resolved"] += 1
                counts[f"resolved:{ent.label}"] += 1
                p = resolved.place
                rows.append({"corpus": corpus, "sentence": si, "label": ent.label, "entity": ent.text,
                             "place_id": p.id, "name_en": p.name_en, "country": p.country_code,
                             "level": p.level, "judgement": ""})
    return rows, counts


def cmd_ner(shared: Path) -> None:
    all_rows: list[dict] = []
    for corpus, path, labels in (
            ("newsfane", shared / "data/ner/newsfane/NewsFANE_Gold_2014_170K.txt", NEWSFANE_LABELS),
            ("anercorp-test", shared / "data/ner/anercorp/ANERCorp_CamelLab_test.txt", ANER_LABELS)):
        t = time.time()
        rows, c = ner_rows(path, labels, corpus)
        all_rows += rows
        per_label = {lab: f"{c[f'resolved:{lab}']}/{c[f'entities:{lab}']}" for lab in labels}
        print(json.dumps({"corpus": corpus, "entities": c["entities"], "found": c["found"],
                          "resolved": c["resolved"], "resolved_share": round(c["resolved"] / max(1, c["entities"]), 3),
                          "per_label": per_label, "seconds": round(time.time() - t, 1)}, ensure_ascii=False))
    sample = random.Random(NER_SEED).sample(all_rows, min(SAMPLE_SIZE, len(all_rows)))
    sample.sort(key=lambda r: (r["corpus"], r["sentence"]))
    target = OUT / "ner_sample.tsv"
    if target.exists():
        print(f"{target} exists (judged?); not overwritten", file=sys.stderr)
        target = OUT / "ner_sample.new.tsv"
    _write(target, sample)


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {path}", file=sys.stderr)


def _excluded_ids() -> set[str]:
    return {p.stem for p in (ROOT / "eval/dev/gold").glob("*.json")}


def _articles(shared: Path):
    skipped = 0
    with gzip.open(shared / "data/news/ant-2018.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            try:
                d = json.loads(line)
                yield Article(d["id"], d["text"], d.get("title", ""),
                              date.fromisoformat(d["published"][:10]) if d.get("published") else None)
            except (ValueError, KeyError, TypeError):
                skipped += 1
    if skipped:
        print(f"skipped {skipped} malformed articles", file=sys.stderr)


def draw_news(shared: Path, n: int, max_chars: int, skip_ids: frozenset[str] = frozenset()) -> list:
    from rasd.pipeline import analyse
    excluded = _excluded_ids() | set(skip_ids)
    pool = [a for a in _articles(shared) if a.id not in excluded and 200 <= len(a.text) <= max_chars]
    random.Random(NEWS_SEED).shuffle(pool)
    chosen = []
    for a in pool:
        an = analyse(a)
        if not an.triggers:
            continue
        countries: Counter = Counter()
        for m in an.places:
            r = _resolve_one(an, m)
            if r:
                countries[r.place.country_code] += 1
        if countries and countries.most_common(1)[0][0] in FOCUS:
            chosen.append((a, an))
            if len(chosen) == n:
                break
    return chosen


def _mention_rows(a, an, show: bool) -> list[dict]:
    rows = []
    marked = a.text
    for m in sorted(an.places, key=lambda m: -m.start):
        r = _resolve_one(an, m)
        # a fallback: the mention is a name the gazetteer lacks, resolved to the nearest known unit the text gives
        fallback = bool(r and r.unknown_names and (r.mention is None or r.mention.start != m.start))
        pid = f"{r.place.id}|{r.place.name_en}|{r.place.level}|{r.place.country_code}|p{r.geo_precision}" \
            + ("|FALLBACK" if fallback else "") if r else "-"
        rows.append({"article": a.id, "start": m.start, "end": m.end, "place_id": r.place.id if r else "-",
                     "judgement": "" if r else "unresolved", "country": "",
                     "note": f"fallback p{r.geo_precision}" if fallback else ""})
        marked = marked[:m.start] + f"[[{m.start}:{marked[m.start:m.end]}→{pid}]]" + marked[m.end:]
    if show:
        print(f"\n##### {a.id}\n{marked}")
    return rows


def cmd_news(shared: Path, n: int, max_chars: int, show: bool, fresh: bool = False, out: str | None = None) -> None:
    """Draw and list the mentions. ``fresh``: skip the articles of every judged news file in eval/kb/ (the next
    ones in the same seeded order) and write ``out`` (default news_fresh.tsv)."""
    judged = frozenset(r["article"] for f in sorted(OUT.glob("news_*.tsv")) if not f.name.endswith(".new.tsv")
                       for r in _read(f)) if fresh else frozenset()
    rows = []
    for a, an in draw_news(shared, n, max_chars, judged):
        rows += _mention_rows(a, an, show)
    rows.sort(key=lambda r: (r["article"], r["start"]))
    target = OUT / (out or ("news_fresh.tsv" if fresh else "news_sample.tsv"))
    if target.exists():
        target = target.with_suffix(".new.tsv")
    _write(target, rows)


def cmd_rejudge(shared: Path, name: str, show: bool) -> None:
    """Re-run the articles of a judged file with the current pipeline: a row with the same offsets and place
    keeps its judgement (and note, true country); a changed or new row is left for judging, its old judgement in
    the note; a ``missed`` place still not found stays missed. Writes ``<name>.new.tsv``."""
    from rasd.pipeline import analyse
    old = _read(OUT / name)
    ids = {r["article"] for r in old}
    by_key = {(r["article"], int(r["start"]), int(r["end"])): r for r in old}
    rows = []
    for a in _articles(shared):
        if a.id not in ids:
            continue
        new = _mention_rows(a, analyse(a), show)
        for r in new:
            prev = by_key.get((a.id, r["start"], r["end"]))
            if prev is not None and prev["place_id"] == r["place_id"] and prev["judgement"] != "missed":
                r.update(judgement=prev["judgement"], country=prev["country"], note=prev["note"])
            else:
                was = [o for o in old if o["article"] == a.id and int(o["start"]) < r["end"]
                       and r["start"] < int(o["end"])]
                r.update(country=was[0]["country"] if was else "",
                         note="; ".join(([r["note"]] if r["note"] else [])
                                        + [f"was {o['judgement']} {o['place_id']}" for o in was]),
                         judgement="" if r["place_id"] != "-" else "unresolved")
        for o in old:
            if o["article"] == a.id and o["judgement"] == "missed" and not any(
                    r["start"] < int(o["end"]) and int(o["start"]) < r["end"] for r in new):
                new.append(dict(o, start=int(o["start"]), end=int(o["end"])))
        rows += new
    rows.sort(key=lambda r: (r["article"], r["start"]))
    _write(OUT / name.replace(".tsv", ".new.tsv"), rows)


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


FRESH_FILES = ("news_fresh.tsv", "news_fresh2.tsv", "news_fresh3.tsv", "news_fresh4.tsv", "news_fresh5.tsv",
               "news_fresh6.tsv", "news_fresh7.tsv", "news_fresh8.tsv", "news_fresh9.tsv", "news_fresh10.tsv")
# the fresh samples as judged once, before anything was fixed from them (the current state is in FRESH_FILES)
JUDGED_ONCE = ("news_fresh3_1b11e96.tsv", "news_fresh4_0b717aa.tsv", "news_fresh5_e702e5f.tsv",
               "news_fresh6_1abdeac.tsv", "news_fresh7_2c33743.tsv", "news_fresh8_accc326.tsv",
               "news_fresh9_ac77fc5.tsv", "news_fresh10.tsv")
# the fresh samples judged once at the final code of rounds three to seven: news_fresh6 at 1abdeac, news_fresh7 at
# 2c33743, news_fresh8 at accc326, news_fresh9 at round six's final code (ac77fc5), news_fresh10 at round seven's
# (7d53f21)
FINAL_CODE_ONCE = ("news_fresh6_1abdeac.tsv", "news_fresh7_2c33743.tsv", "news_fresh8_accc326.tsv",
                   "news_fresh9_ac77fc5.tsv", "news_fresh10.tsv")


def cmd_report(news_files: tuple[str, ...] = ("news_sample_c24b437.tsv", "news_sample.tsv") + FRESH_FILES
               + tuple(f for f in JUDGED_ONCE if f not in FRESH_FILES)) -> None:
    ner = _read(OUT / "ner_sample.tsv")
    j = Counter(r["judgement"] for r in ner)
    judged = sum(j.values()) - j[""]
    print(f"NER sample: {len(ner)} resolved entities, judged {judged}: {dict(j)}")
    if judged:
        print(f"  right {j['right']}/{judged} = {j['right'] / judged:.0%}; "
              f"right among real places {j['right']}/{judged - j['notplace']} = "
              f"{j['right'] / max(1, judged - j['notplace']):.0%}")
    for corpus in sorted({r["corpus"] for r in ner}):
        cj = Counter(r["judgement"] for r in ner if r["corpus"] == corpus)
        print(f"  {corpus}: {dict(cj)}")
    for name in news_files:
        if (OUT / name).exists():
            _report_news(name, _read(OUT / name))
    for title, files in (("all fresh samples pooled, now", FRESH_FILES),
                         ("the samples judged once, before fixes from them, pooled", JUDGED_ONCE),
                         ("the fresh samples judged once at (near-)final code, pooled", FINAL_CODE_ONCE)):
        fresh = [f for f in files if (OUT / f).exists()]
        if len(fresh) > 1:
            _report_news(f"{title} (" + ", ".join(fresh) + ")", [r for f in fresh for r in _read(OUT / f)])


def _report_news(name: str, news: list[dict]) -> None:
    print(f"{name}: {len({r['article'] for r in news})} articles, {len(news)} rows")
    for title, subset in (("all place mentions", news),
                          ("in Iraq/Syria/Yemen/Libya/Palestine", [r for r in news if r["country"] in FOCUS])):
        k = Counter(r["judgement"] for r in subset)
        places = k["right"] + k["wrong"] + k["missed"] + k["unresolved"]      # real places in the text
        resolved = k["right"] + k["wrong"] + k["notplace"] + k["adjective"]   # mentions given a place
        print(f"  {title}: {dict(sorted(k.items()))}")
        print(f"    recall (right unit / real place mentions) {k['right']}/{places} = {k['right'] / max(1, places):.1%}")
        print(f"    precision (right unit / resolved mentions) {k['right']}/{resolved} = "
              f"{k['right'] / max(1, resolved):.1%}; not counting country adjectives "
              f"{k['right']}/{resolved - k['adjective']} = {k['right'] / max(1, resolved - k['adjective']):.1%}")
        found = k["right"] + k["wrong"] + k["unresolved"]
        print(f"    right among the real places the pipeline found {k['right']}/{found} = "
              f"{k['right'] / max(1, found):.1%}")


SIZE_PROBE = """
import json, resource, time
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
from rasd.kb.gazetteer import load_gazetteer
t1 = time.perf_counter()
gaz = load_gazetteer()
t2 = time.perf_counter()
gaz.lexicon()
t3 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"import_s": round(t1 - t0, 3), "load_gazetteer_s": round(t2 - t1, 3),
                  "lexicon_build_s": round(t3 - t2, 3), "rss_before_mib": round(rss0 / 1024, 1),
                  "max_rss_mib": round(rss / 1024, 1)}))
"""


def cmd_size(runs: int = 3) -> None:
    """Each run is a fresh interpreter (the load is cached per process), as ``python -c`` would be."""
    import subprocess
    data = ROOT / "rasd" / "kb" / "data"
    sizes = {p.name: p.stat().st_size for p in sorted(data.iterdir()) if p.is_file()}
    print(json.dumps({"files_bytes": sizes, "total_bytes": sum(sizes.values())}))
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", SIZE_PROBE], cwd=ROOT, capture_output=True, text=True)
        print(out.stdout.strip() or out.stderr.strip().splitlines()[-1])


KB_FOCUS = ("IQ", "SY", "YE", "LY", "PS", "LB", "JO", "EG", "SD", "SO", "ML", "BF", "NE", "NG", "TD")


def cmd_stats() -> None:
    """``rasd kb stats`` (rasd.kb.stats.kb_stats) for the 15 focus countries, one markdown row per country."""
    from rasd.kb.gazetteer import load_gazetteer
    from rasd.kb.stats import kb_stats
    gaz = load_gazetteer()
    rows = kb_stats()
    levels = ("admin1", "admin2", "admin3", "populated", "site")
    print("| country | " + " | ".join(levels) + " | total |")
    print("|---|" + "---:|" * (len(levels) + 1))
    for cc in KB_FOCUS:
        name = gaz.country(cc).name_en
        per = {lvl: n for c, lvl, n in rows if c == name}
        print(f"| {name} ({cc}) | " + " | ".join(str(per.get(lvl, 0)) for lvl in levels)
              + f" | {sum(per.values())} |")
    print(f"all countries: {sum(n for _, _, n in rows)} places")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=("ner", "news", "rejudge", "report", "size", "stats"))
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--articles", type=int, default=25)
    ap.add_argument("--max-chars", type=int, default=1500)
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--fresh", action="store_true",
                    help="news: skip the articles judged in news_sample.tsv, write news_fresh.tsv")
    ap.add_argument("--file", default="news_sample.tsv", help="rejudge: the judged file in eval/kb/")
    ap.add_argument("--out", default=None, help="news --fresh: the file to write in eval/kb/")
    args = ap.parse_args(argv)
    try:
        _run(args)
    except FileNotFoundError as e:
        print(f"missing file: {e.filename} (ner/news read ../shared, report reads eval/kb/*.tsv)", file=sys.stderr)
        return 2
    return 0


def _run(args: argparse.Namespace) -> None:
    if args.command == "ner":
        cmd_ner(args.shared)
    elif args.command == "news":
        cmd_news(args.shared, args.articles, args.max_chars, args.show, args.fresh, args.out)
    elif args.command == "rejudge":
        cmd_rejudge(args.shared, args.file, args.show)
    elif args.command == "report":
        cmd_report()
    elif args.command == "stats":
        cmd_stats()
    else:
        cmd_size()


if __name__ == "__main__":
    raise SystemExit(main())
