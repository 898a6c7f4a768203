"""Crash safety and concurrency of ``rasd ingest`` (real subprocesses, real SQLite file, real PostgreSQL).

- kill -9 at random moments → the store passes its integrity checks, and a re-run ends with exactly the
  store an uninterrupted run makes (canonical dump): no loss, no duplicate.
- two ingest processes on the same store at once → both succeed, no lock error reaches the user, no
  duplicate article or event, and the store equals the one a single run makes.

The default suite runs a few kills on a small corpus; RASD_LONG_TESTS=1 runs 20 (scripts/crash_kill.py runs
the full campaign with a report).
"""
from __future__ import annotations

import os
import uuid

import pytest

from . import crash
from .support import LONG, assert_no_traceback

KILL_RUNS = 20 if LONG else 3      # runs 1-2 are killed after some articles are stored, run 0 at a random moment
PG_KILL_RUNS = 20 if LONG else 2
CORPUS_ARTICLES = 120 if LONG else 10   # over 50 (the ingest commit batch) in the long run: kills between commits
LOCK_WORDS = ("database is locked", "deadlock", "could not serialize", "lock timeout", "OperationalError")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return crash.make_corpus(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", CORPUS_ARTICLES)


@pytest.fixture(scope="module")
def sqlite_reference(corpus, tmp_path_factory):
    db = str(tmp_path_factory.mktemp("ref") / "ref.db")
    dump, seconds, proc = crash.timed_reference(corpus, db)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert crash.count_rows(db, "articles") > 0 and crash.count_rows(db, "events") > 0
    return dump, seconds, crash.count_rows(db, "articles")


@pytest.fixture()
def pg_url():
    base = os.environ.get("RASD_TEST_PG")
    if not base:
        pytest.skip("RASD_TEST_PG is not set (scripts/test.sh starts a local PostgreSQL and sets it)")
    return base


class PgSchemas:
    """One throwaway PostgreSQL schema per store (the URL's search_path), dropped at the end."""

    def __init__(self, base: str) -> None:
        import sqlalchemy as sa
        self.base = base
        self.admin = sa.create_engine(base)
        self.names: list[str] = []

    def new(self, _i: int = 0) -> str:
        import sqlalchemy as sa
        name = "rel_" + uuid.uuid4().hex[:12]
        with self.admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {name}"))
        self.names.append(name)
        separator = "&" if "?" in self.base else "?"
        return f"{self.base}{separator}options=-csearch_path%3D{name}"

    def drop_all(self) -> None:
        import sqlalchemy as sa
        with self.admin.begin() as conn:
            for name in self.names:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        self.admin.dispose()


@pytest.fixture()
def pg_schemas(pg_url):
    schemas = PgSchemas(pg_url)
    yield schemas
    schemas.drop_all()


def _assert_campaign(results):
    for r in results:
        assert not r.problems_after_kill, f"run {r.run}: store inconsistent after kill -9: {r.problems_after_kill}"
        assert r.rerun_exit == 0, f"run {r.run}: re-run failed: {r.rerun_stderr_tail}"
        assert r.identical_to_reference, (f"run {r.run} (killed after {r.delay_s} s, {r.articles_at_kill} articles "
                                          f"stored): store after kill + re-run differs from an uninterrupted run:\n"
                                          + "\n".join(r.first_differences))


def test_kill_minus_9_during_sqlite_ingest_then_rerun(corpus, sqlite_reference, tmp_path):
    dump, seconds, articles = sqlite_reference
    results = crash.kill_campaign(corpus, lambda i: str(tmp_path / f"kill{i}.db"), KILL_RUNS, dump, seconds,
                                  seed=11, reference_articles=articles)
    _assert_campaign(results)
    # the kills must have landed mid-ingest at least once, or the test proved nothing
    assert any(not r.exited_before_kill for r in results)


def test_kill_minus_9_during_postgresql_ingest_then_rerun(corpus, pg_schemas):
    reference_db = pg_schemas.new()
    dump, seconds, proc = crash.timed_reference(corpus, reference_db)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = crash.kill_campaign(corpus, pg_schemas.new, PG_KILL_RUNS, dump, seconds, seed=12,
                                  reference_articles=crash.count_rows(reference_db, "articles"))
    _assert_campaign(results)


def _assert_concurrent_runs_clean(procs):
    for p in procs:
        assert_no_traceback(p)
        assert p.returncode == 0, p.stderr[-2000:]
        for word in LOCK_WORDS:
            assert word.lower() not in p.stderr.lower(), f"lock error surfaced to the user: {p.stderr[-1500:]}"


def test_two_ingests_at_once_on_one_sqlite_file(corpus, sqlite_reference, tmp_path):
    db = str(tmp_path / "shared.db")
    procs = crash.concurrent_ingests([corpus, corpus], db)
    _assert_concurrent_runs_clean(procs)
    assert crash.store_problems(db) == []
    reference = sqlite_reference[0]
    assert crash.store_dump(db, include_revisions=False) == _without_revisions(reference)


def test_two_ingests_at_once_on_one_postgresql_database(corpus, pg_schemas):
    reference_db = pg_schemas.new()
    dump, _, proc = crash.timed_reference(corpus, reference_db)
    assert proc.returncode == 0
    db = pg_schemas.new()
    procs = crash.concurrent_ingests([corpus, corpus], db)
    _assert_concurrent_runs_clean(procs)
    assert crash.store_problems(db) == []
    assert crash.store_dump(db, include_revisions=False) == _without_revisions(dump)


def _without_revisions(dump: str) -> str:
    return "".join(line + "\n" for line in dump.splitlines() if not line.startswith("revisions\t"))
