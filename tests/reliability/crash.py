"""Crash-safety and concurrency harness: kill ``rasd ingest`` with SIGKILL, check the store, re-run, compare.

Used by tests/reliability/test_crash_safety.py (a few runs) and scripts/crash_kill.py (20 runs and more).
The corpus is synthetic (made-up sentences from templates, never news texts), deterministic for a seed, and
holds exact duplicates and same-URL copies so that the dedupe paths are exercised too.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .support import REPO, rasd_command

PLACES = [("بعقوبة", "ديالى"), ("المقدادية", "ديالى"), ("الرمادي", "الأنبار"), ("الفلوجة", "الأنبار"),
          ("تكريت", "صلاح الدين"), ("كركوك", "كركوك"), ("الموصل", "نينوى"), ("إدلب", "إدلب"),
          ("حلب", "حلب"), ("درعا", "درعا"), ("الحسكة", "الحسكة"), ("صنعاء", "صنعاء"), ("عدن", "عدن"),
          ("بنغازي", "بنغازي"), ("العريش", "شمال سيناء")]
ATTACKS = ["هجوم مسلح", "انفجار عبوة ناسفة", "غارة جوية", "قصف مدفعي", "تفجير سيارة مفخخة", "اشتباكات عنيفة"]
ACTORS = ["تنظيم داعش", "مسلحون مجهولون", "قوات النظام السوري", "جماعة الحوثي", "التحالف الدولي"]
VICTIMS = ["جنود", "مدنيين", "عناصر من الشرطة", "أشخاص"]
NUMBERS = ["ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "عشرة", "12", "15", "20"]
WEEKDAYS = ["السبت", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة"]


def make_corpus(path: Path, articles: int = 40, seed: int = 9) -> Path:
    """A JSONL corpus of made-up conflict reports; about one in eight is a duplicate of an earlier one."""
    rng = random.Random(seed)
    lines: list[dict[str, str]] = []
    start = date(2022, 1, 1)
    for i in range(articles):
        if lines and i % 8 == 7:
            copy = dict(rng.choice(lines))
            if rng.random() < 0.5:
                copy["id"] = f"copy-{i}"            # same text, other id: an exact duplicate
            else:
                copy["id"] = f"sameurl-{i}"          # same URL, reworded: a duplicate by URL
                copy["text"] = copy["text"].replace("بحسب", "وفق")
            lines.append(copy)
            continue
        town, province = rng.choice(PLACES)
        day = start + timedelta(days=rng.randrange(0, 60))
        text = (f"قتل {rng.choice(NUMBERS)} {rng.choice(VICTIMS)} وأصيب {rng.choice(NUMBERS)} آخرون في "
                f"{rng.choice(ATTACKS)} نفذه {rng.choice(ACTORS)} على {town} في محافظة {province} يوم "
                f"{rng.choice(WEEKDAYS)}، بحسب مصادر محلية.\n"
                f"وقال مسؤول إن {rng.choice(ACTORS)} استهدف موقعا قرب {rng.choice(PLACES)[0]} "
                f"مما أدى إلى مقتل {rng.choice(NUMBERS)} {rng.choice(VICTIMS)}.")
        lines.append({"id": f"a{i:04d}", "text": text, "published": day.isoformat(),
                      "url": f"https://news.example.org/{i}", "source": "example"})
    with open(path, "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path


def ingest_args(corpus: Path, db: str) -> list[str]:
    return [*rasd_command(), "ingest", str(corpus), "--db", db, "--no-progress"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONUTF8", "1")
    env["COLUMNS"] = "200"
    return env


def run_ingest(corpus: Path, db: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(ingest_args(corpus, db), capture_output=True, text=True, timeout=timeout, env=_env(),
                          cwd=REPO, encoding="utf-8", errors="replace")


def store_dump(db: str, include_revisions: bool = True) -> str:
    from rasd.store.db import open_store
    store = open_store(db)
    try:
        return store.canonical_dump(include_revisions=include_revisions)
    finally:
        store.close()


def store_problems(db: str) -> list[str]:
    """What is wrong with a store after a crash: integrity, dangling references, duplicate natural keys."""
    import sqlalchemy as sa
    from rasd.store.db import resolve_db_url
    url = resolve_db_url(db)
    problems: list[str] = []
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
                if result != "ok":
                    problems.append(f"integrity_check: {result}")
                dangling = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if dangling:
                    problems.append(f"foreign_key_check: {dangling[:5]}")
            for table, column in (("articles", "article_key"), ("events", "event_id"), ("claims", "claim_key")):
                try:
                    dupes = conn.execute(sa.text(f"SELECT {column}, COUNT(*) FROM {table} GROUP BY {column} "
                                                 f"HAVING COUNT(*) > 1")).fetchall()
                except sa.exc.DBAPIError:
                    conn.rollback()
                    continue    # table not created yet (killed before the first migration finished)
                if dupes:
                    problems.append(f"duplicate {table}.{column}: {dupes[:5]}")
            try:
                orphans = conn.execute(sa.text("SELECT COUNT(*) FROM claims WHERE article_id NOT IN "
                                               "(SELECT id FROM articles)")).scalar()
                if orphans:
                    problems.append(f"{orphans} claims without their article")
            except sa.exc.DBAPIError:
                conn.rollback()
    finally:
        engine.dispose()
    return problems


def count_rows(db: str, table: str) -> int:
    import sqlalchemy as sa
    from rasd.store.db import resolve_db_url
    url = resolve_db_url(db)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        return 0            # do not create the file: the ingest under test must be the one to create it
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar() or 0)
    except sa.exc.DBAPIError:
        return 0
    finally:
        engine.dispose()


@dataclass(frozen=True, slots=True)
class KillRun:
    run: int
    delay_s: float
    exited_before_kill: bool
    articles_at_kill: int
    problems_after_kill: tuple[str, ...]
    rerun_exit: int
    rerun_stderr_tail: str
    identical_to_reference: bool
    first_differences: tuple[str, ...] = ()


def kill_once(corpus: Path, db: str, delay_s: float, after_articles: int | None = None) -> tuple[bool, int, list[str]]:
    """Start an ingest and SIGKILL it; return (finished first?, articles stored at the kill, problems).

    With ``after_articles`` the kill comes ``delay_s`` seconds after the store first holds that many articles
    (so it lands mid-ingest whatever the machine's speed); without it, ``delay_s`` after the start (which may
    fall in start-up or in the schema migration).
    """
    proc = subprocess.Popen(ingest_args(corpus, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=_env(), cwd=REPO, start_new_session=True)
    finished = False
    try:
        if after_articles is not None:
            deadline = time.monotonic() + 900
            while proc.poll() is None and time.monotonic() < deadline:
                if count_rows(db, "articles") >= after_articles:
                    break
                time.sleep(0.05)
        proc.wait(timeout=delay_s)
        finished = True
    except subprocess.TimeoutExpired:
        pass
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)      # the whole group: no child may finish the work behind our back
            proc.wait()
    return finished, count_rows(db, "articles"), store_problems(db)


def kill_campaign(corpus: Path, new_db, runs: int, reference_dump: str, reference_seconds: float,
                  seed: int = 1, log=None, reference_articles: int = 0) -> list[KillRun]:
    """``runs`` times: fresh store from ``new_db(i)``, ingest, SIGKILL, check, re-run, compare with the reference.

    One run in four is killed at a random moment of the whole run (start-up and migration included); the others
    0-2 s after a random number of articles is stored. `rasd ingest` commits every 50 articles, so a corpus
    larger than that (scripts/crash_kill.py uses 120) puts kills between commits, inside later batches.
    """
    rng = random.Random(seed)
    results: list[KillRun] = []
    for i in range(runs):
        db = new_db(i)
        if i % 4 == 0 or reference_articles < 2:
            delay, after = rng.uniform(0.3, reference_seconds), None
        else:
            delay, after = rng.uniform(0.0, 2.0), rng.randint(1, reference_articles - 1)
        finished, stored, problems = kill_once(corpus, db, delay, after)
        rerun = run_ingest(corpus, db)
        dump = store_dump(db) if rerun.returncode == 0 else ""
        identical = rerun.returncode == 0 and dump == reference_dump
        result = KillRun(i, round(delay, 2), finished, stored, tuple(problems), rerun.returncode,
                         rerun.stderr[-600:], identical, () if identical else differences(reference_dump, dump))
        results.append(result)
        if log:
            trigger = f"{delay:.1f} s after start" if after is None else f"{delay:.2f} s after {after} article(s)"
            log(f"kill run {i}: killed {trigger}, {stored} article(s) stored"
                f"{' (had already finished)' if finished else ''}; problems={problems or 'none'}; "
                f"re-run exit {rerun.returncode}; identical to uninterrupted run: {identical}")
    return results


def differences(expected: str, actual: str, limit: int = 8) -> tuple[str, ...]:
    import difflib
    diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "uninterrupted", "killed+rerun",
                                lineterm="", n=0)
    return tuple(line[:400] for line in list(diff)[2:2 + limit])


def timed_reference(corpus: Path, db: str) -> tuple[str, float, subprocess.CompletedProcess[str]]:
    started = time.monotonic()
    proc = run_ingest(corpus, db)
    seconds = time.monotonic() - started
    return store_dump(db), seconds, proc


def concurrent_ingests(corpora: list[Path], db: str, timeout: float = 900) -> list[subprocess.CompletedProcess]:
    """Start one ``rasd ingest`` per corpus on the same store at the same moment; wait for all."""
    procs = [subprocess.Popen(ingest_args(c, db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
                              cwd=REPO, text=True, encoding="utf-8", errors="replace") for c in corpora]
    done = []
    for p, c in zip(procs, corpora):
        out, err = p.communicate(timeout=timeout)
        done.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return done


def python() -> str:
    return sys.executable
