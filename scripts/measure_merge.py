"""Sample merged and single-source events from a rasd store and print them for hand judgement.

Why: issue 6 asks for merge precision/recall measured by hand. This script only samples (seeded) and
prints; verdicts are typed by a person into eval/merge/*.tsv, and `score` computes pairwise figures
from those files. Article text is printed to the terminal only, never written anywhere.

Usage (open a COPY of the store; the script opens it read-only anyway):
    .venv/bin/python scripts/measure_merge.py precision --db /tmp/merge_check.db --n 40 --seed 6
    .venv/bin/python scripts/measure_merge.py recall    --db /tmp/merge_check.db --n 40 --seed 6
    .venv/bin/python scripts/measure_merge.py score
    .venv/bin/python scripts/measure_merge.py diagnose --db /tmp/merge_check.db   # which merge test split each missed pair
"""
from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval" / "merge"
CONTEXT_CHARS = 220


@dataclass(frozen=True)
class StoredClaim:
    claim_id: int
    event_id: str
    article_id: str
    outlet: str
    published: str
    title: str
    event_date: str
    event_type: str
    sub_event_type: str
    location: str
    admin1: str
    country_code: str
    actors: str
    fatalities: int | None
    evidence: tuple[tuple[int, int, str], ...]
    article_text: str


def open_read_only(path: str) -> sqlite3.Connection:
    if not Path(path).is_file():
        sys.exit(f"no such store file: {path}")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


CLAIM_SELECT = """
SELECT c.id, c.event_id, a.external_id, a.outlet, a.published, a.title, c.event_date, c.event_type,
       c.sub_event_type, c.location, c.admin1, c.country_code, c.actor1, c.actor2, c.fatalities,
       c.record, a.text
FROM claims c JOIN articles a ON a.id = c.article_id
"""


def _claim(row) -> StoredClaim:
    record = json.loads(row[15])
    evidence = tuple((e["start"], e["end"], e["text"]) for e in record.get("evidence") or ())
    return StoredClaim(
        claim_id=row[0], event_id=row[1], article_id=row[2], outlet=row[3], published=str(row[4]),
        title=row[5], event_date=row[6] or "", event_type=row[7], sub_event_type=row[8],
        location=row[9] or "", admin1=row[10] or "", country_code=row[11] or "",
        actors=f"{row[12]} vs {row[13]}", fatalities=row[14], evidence=evidence, article_text=row[16],
    )


def claims_where(db: sqlite3.Connection, where: str, params: tuple) -> list[StoredClaim]:
    rows = db.execute(CLAIM_SELECT + " WHERE " + where + " ORDER BY c.id", params).fetchall()
    return [_claim(r) for r in rows]


def show(claim: StoredClaim, context: bool) -> None:
    print(f"  claim {claim.claim_id} | {claim.article_id} | {claim.outlet} pub {claim.published} | "
          f"{claim.event_date} | {claim.sub_event_type} | {claim.location}, {claim.admin1} {claim.country_code} | "
          f"{claim.actors} | fat={claim.fatalities}")
    print(f"    title: {claim.title[:160]}")
    for start, end, text in claim.evidence[:2]:
        if context:
            lo, hi = max(0, start - CONTEXT_CHARS), min(len(claim.article_text), end + CONTEXT_CHARS)
            print(f"    ev: …{claim.article_text[lo:start]}[[{text}]]{claim.article_text[end:hi]}…")
        else:
            print(f"    ev: {text[:300]}")


def sample_precision(db: sqlite3.Connection, n: int, seed: int, context: bool) -> None:
    event_ids = [r[0] for r in db.execute(
        "SELECT event_id FROM events WHERE number_of_sources >= 2 ORDER BY event_id")]
    chosen = random.Random(seed).sample(event_ids, min(n, len(event_ids)))
    print(f"# precision sample: {len(chosen)} of {len(event_ids)} events with >= 2 sources (seed {seed})")
    for i, event_id in enumerate(chosen, 1):
        claims = claims_where(db, "c.event_id = ?", (event_id,))
        print(f"\n== P{i} {event_id} ({len(claims)} claims)")
        for claim in claims:
            show(claim, context)


def sample_recall(db: sqlite3.Connection, n: int, seed: int, context: bool, ant_only: bool) -> None:
    """Single-source events that share country, admin1 and a date within ±1 day with another event:
    the places where a missed merge can hide."""
    year_filter = "AND e.event_date LIKE '2018-%'" if ant_only else ""
    rows = db.execute(f"""
        SELECT DISTINCT e.event_id FROM events e JOIN events o
          ON o.country_code = e.country_code AND o.admin1 = e.admin1 AND o.event_id != e.event_id
         AND o.day_lo <= e.day_hi + 1 AND o.day_hi >= e.day_lo - 1
        WHERE e.number_of_sources = 1 AND e.admin1 IS NOT NULL {year_filter}
        ORDER BY e.event_id""").fetchall()
    event_ids = [r[0] for r in rows]
    chosen = random.Random(seed).sample(event_ids, min(n, len(event_ids)))
    print(f"# recall sample: {len(chosen)} of {len(event_ids)} busy single-source events (seed {seed})")
    for i, event_id in enumerate(chosen, 1):
        (claim,) = claims_where(db, "c.event_id = ?", (event_id,))[:1]
        day_lo, day_hi = db.execute("SELECT day_lo, day_hi FROM events WHERE event_id = ?", (event_id,)).fetchone()
        print(f"\n== R{i} {event_id}")
        show(claim, context)
        others = claims_where(
            db, "c.country_code = ? AND c.admin1 = ? AND c.day_lo <= ? AND c.day_hi >= ? AND c.event_id != ?",
            (claim.country_code, claim.admin1, day_hi + 1, day_lo - 1, event_id))
        print(f"  -- {len(others)} other claims, same admin1, date ±1:")
        for other in others[:12]:
            print(f"  [{other.event_id}]", end="")
            show(other, False)


def _read_tsv(name: str) -> list[dict]:
    with open(EVAL_DIR / name, encoding="utf-8") as f:
        return list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))


def score() -> None:
    """Pairwise precision from precision.tsv, pairwise recall from recall.tsv."""
    correct = correct_real = total = 0
    rows = _read_tsv("precision.tsv")
    by_event: dict[str, list[dict]] = {}
    for r in rows:
        by_event.setdefault(r["event_id"], []).append(r)
    for event_rows in by_event.values():
        for a, b in itertools.combinations(event_rows, 2):
            if a["article_id"] == b["article_id"]:
                continue  # two claims of one article are not a cross-article merge
            total += 1
            same = a["group"] == b["group"]
            correct += same
            # strict: the shared happening must also be a real political-violence event
            correct_real += same and a["extraction"] != "wrong" and b["extraction"] != "wrong"
    print(f"precision: {correct}/{total} claim pairs report the same happening = {correct / total:.3f}; "
          f"strict (both claims a real event) {correct_real}/{total} = {correct_real / total:.3f}; "
          f"{len(by_event)} events")
    rows = _read_tsv("recall.tsv")
    samples: dict[str, dict[str, tuple[str, str]]] = {}  # sample -> claim id -> (event id, article id)
    merged = found = 0
    for r in rows:
        cluster = samples.setdefault(r["sample"], {})
        cluster[r["sample_claim_id"]] = (r["sample_event_id"], r["sample_article_id"])
        if r["verdict"] == "no_same_event_found":
            continue
        cluster[r["other_claim_id"]] = (r["other_event_id"], r["other_article_id"])
        found += 1
        merged += r["verdict"] == "same_event_merged"
    with_missed = sum(any(r["sample"] == s and r["verdict"] == "same_event_not_merged" for r in rows) for s in samples)
    print(f"recall, pairs with the sampled claim: {merged}/{found} same-event pairs merged"
          + (f" = {merged / found:.3f}" if found else "")
          + f"; {with_missed}/{len(samples)} sampled single-source events have an unmerged report of the same event")
    # every pair inside the same-event clusters found (not only pairs with the sampled claim)
    seen: set[frozenset] = set()
    pair_merged = pair_total = 0
    for cluster in samples.values():
        for (c1, (e1, a1)), (c2, (e2, a2)) in itertools.combinations(sorted(cluster.items()), 2):
            key = frozenset((c1, c2))
            if a1 == a2 or key in seen:
                continue  # same article: never merged by design; a pair seen from two samples counts once
            seen.add(key)
            pair_total += 1
            pair_merged += e1 == e2
    if pair_total:
        print(f"recall, all pairs inside the {sum(len(c) > 1 for c in samples.values())} same-event clusters found: "
              f"{pair_merged}/{pair_total} = {pair_merged / pair_total:.3f}")


def diagnose(db: sqlite3.Connection) -> None:
    """For each judged same-event pair that was not merged, which merge test failed."""
    from rasd.merge.rules import actors_compatible, dates_overlap, same_place, types_compatible
    from rasd.store.records import event_from_json

    def event_of(claim_id: str):
        (record,) = db.execute("SELECT record FROM claims WHERE id = ?", (int(claim_id),)).fetchone()
        return event_from_json(record)

    tally: dict[str, int] = {}
    for r in _read_tsv("recall.tsv"):
        if r["verdict"] != "same_event_not_merged":
            continue
        a, b = event_of(r["sample_claim_id"]), event_of(r["other_claim_id"])
        failed = [name for name, ok in (
            ("modality", a.modality == b.modality), ("type", types_compatible(a, b)),
            ("date", dates_overlap(a, b)), ("place", same_place(a, b)), ("actors", actors_compatible(a, b))) if not ok]
        cause = "+".join(failed) or "compatible, split off by a third claim"
        tally[cause] = tally.get(cause, 0) + 1
        print(f"{r['sample']}\t{r['sample_claim_id']}\t{r['other_claim_id']}\t{cause}")
    for cause, count in sorted(tally.items(), key=lambda kv: -kv[1]):
        print(f"# {count}\t{cause}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("precision", "recall", "score", "diagnose"))
    parser.add_argument("--db", default="/tmp/merge_check.db")
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--context", action="store_true", help="print article text around evidence")
    parser.add_argument("--all-corpora", action="store_true", help="recall: not only ANT 2018")
    args = parser.parse_args(argv)
    if args.mode == "score":
        score()
        return 0
    db = open_read_only(args.db)
    if args.mode == "diagnose":
        diagnose(db)
    elif args.mode == "precision":
        sample_precision(db, args.n, args.seed, args.context)
    else:
        sample_recall(db, args.n, args.seed, args.context, ant_only=not args.all_corpora)
    return 0


if __name__ == "__main__":
    sys.exit(main())
