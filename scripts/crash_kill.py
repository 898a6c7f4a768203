#!/usr/bin/env python3
"""Kill ``rasd ingest`` with SIGKILL at random moments, check the store, re-run it, compare with a clean run.

    .venv/bin/python scripts/crash_kill.py --runs 20                       # SQLite files in a temp dir
    .venv/bin/python scripts/crash_kill.py --runs 20 --pg "$RASD_TEST_PG"  # PostgreSQL, one schema per run
    .venv/bin/python scripts/crash_kill.py --runs 20 --concurrent 3        # … and 3 two-process ingests

For each run: a fresh store, ``rasd ingest`` of a synthetic corpus (made-up sentences, duplicates included),
SIGKILL to the process group (one run in four at a random moment of the run, start-up included; the others a
fraction of a second after a random number of articles is stored, so mid-ingest), then the store's
integrity checks (SQLite integrity and foreign keys, no duplicate article/event/claim keys, no claim without
its article), a re-run of the same command, and a comparison of the canonical dump with the uninterrupted
run's. Exit status 0 when every run is consistent and identical. The harness is tests/reliability/crash.py.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from reliability import crash  # noqa: E402


def _pg_factory(base: str):
    import sqlalchemy as sa
    admin = sa.create_engine(base)
    made: list[str] = []

    def new(_i: int = 0) -> str:
        name = "crash_" + uuid.uuid4().hex[:12]
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {name}"))
        made.append(name)
        return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{name}"

    def drop() -> None:
        with admin.begin() as conn:
            for name in made:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        admin.dispose()

    return new, drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--articles", type=int, default=120,
                        help="synthetic corpus size (over 50, the ingest commit batch, so kills fall between commits)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg", default="", help="a postgresql+psycopg:// URL; default: SQLite files")
    parser.add_argument("--concurrent", type=int, default=0, help="also run N two-process concurrent ingests")
    parser.add_argument("--report", type=Path, default=None, help="write a JSON report here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rasd-crash-"))
    corpus = crash.make_corpus(work / "corpus.jsonl", args.articles, seed=args.seed)
    if args.pg:
        new_db, drop = _pg_factory(args.pg)
    else:
        def new_db(i: int = 0) -> str:
            return str(work / f"store-{i}-{uuid.uuid4().hex[:6]}.db")

        def drop() -> None:
            return None
    try:
        reference_db = new_db()
        dump, seconds, proc = crash.timed_reference(corpus, reference_db)
        if proc.returncode != 0:
            print(f"the uninterrupted run failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
            return 2
        print(f"uninterrupted run: {seconds:.1f} s, {crash.count_rows(reference_db, 'articles')} articles, "
              f"{crash.count_rows(reference_db, 'events')} events", file=sys.stderr)
        results = crash.kill_campaign(corpus, new_db, args.runs, dump, seconds, seed=args.seed,
                                      log=lambda line: print(line, file=sys.stderr, flush=True),
                                      reference_articles=crash.count_rows(reference_db, "articles"))
        concurrent = []
        for i in range(args.concurrent):
            db = new_db()
            procs = crash.concurrent_ingests([corpus, corpus], db)
            same = crash.store_dump(db, include_revisions=False) == crash.store_dump(reference_db, False)
            outcome = {"run": i, "exit_codes": [p.returncode for p in procs],
                       "stderr_tails": [p.stderr.strip().splitlines()[-1:] for p in procs],
                       "problems": crash.store_problems(db), "identical_to_single_run": same}
            concurrent.append(outcome)
            print(f"concurrent run {i}: {outcome}", file=sys.stderr, flush=True)
    finally:
        drop()
    ok = all(not r.problems_after_kill and r.rerun_exit == 0 and r.identical_to_reference for r in results)
    ok = ok and all(c["exit_codes"] == [0, 0] and not c["problems"] and c["identical_to_single_run"]
                    for c in concurrent)
    summary = {
        "backend": "postgresql" if args.pg else "sqlite",
        "runs": len(results),
        "killed_mid_ingest": sum(not r.exited_before_kill for r in results),
        "articles_at_kill": [r.articles_at_kill for r in results],
        "inconsistent_after_kill": sum(bool(r.problems_after_kill) for r in results),
        "rerun_failures": sum(r.rerun_exit != 0 for r in results),
        "identical_after_rerun": sum(r.identical_to_reference for r in results),
        "uninterrupted_seconds": round(seconds, 1),
        "concurrent": concurrent,
        "ok": ok,
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.report:
        args.report.write_text(json.dumps(summary | {"details": [asdict(r) for r in results]},
                                          ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
