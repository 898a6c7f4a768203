"""The ingest service and the `ingest`/`events` commands: counts, idempotence, crash safety, exports."""
from __future__ import annotations

import csv
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
sys.path.insert(0, str(FIXTURES))
from databases import BACKENDS, database_url  # noqa: E402
from fake_extractor import failing_extract, fake_extract, synthetic_articles  # noqa: E402

from rasd.commands.events import run_events  # noqa: E402
from rasd.commands.ingest import run_ingest  # noqa: E402
from rasd.ingest import canonical_url, ingest  # noqa: E402
from rasd.model import ACLED_COLUMNS  # noqa: E402
from rasd.store.db import open_store  # noqa: E402


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    yield from database_url(request.param, tmp_path)


@pytest.fixture
def corpus(tmp_path) -> Path:
    path = tmp_path / "corpus.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for record in synthetic_articles():
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.write("{broken\n")
    return path


def test_canonical_url():
    assert canonical_url("https://www.Example.com/a/b/?utm_source=x&id=3#top") == "//example.com/a/b?id=3"
    assert canonical_url("http://example.com/%D8%AE%D8%A8%D8%B1") == "//example.com/خبر"
    assert canonical_url("not a url") == ""


def test_ingest_counts_and_rerun_adds_nothing(db_url, corpus):
    with open_store(db_url) as store:
        first = ingest([str(corpus), str(FIXTURES / "articles.jsonl")], store, fake_extract)
        dump = store.canonical_dump()
        again = ingest([str(corpus)], store, fake_extract)
        assert store.canonical_dump() == dump
    records = synthetic_articles()
    assert first.articles_read == len(records) + 2
    assert first.articles_stored == len(records) + 2 and first.events_found == len(records)
    assert 0 < first.events_created and store_events(db_url) < len(records)
    assert [r for r, _ in first.skip_reasons()][:1] and len(first.skipped) == 4
    assert again.articles_stored == 0 and again.duplicates == len(records)
    assert again.duplicate_reasons == (("already stored (same text)", len(records)),)


def store_events(url: str) -> int:
    with open_store(url) as store:
        return store.counts().events


def test_extractor_failures_are_counted_not_raised(tmp_path):
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"id": "x", "text": "BOOM نص"}) + "\n" + json.dumps({"id": "y", "text": "نص"})
                      + "\n", encoding="utf-8")
    with open_store(tmp_path / "db.sqlite") as store:
        summary = ingest([str(source)], store, failing_extract)
    assert summary.articles_stored == 1
    assert [(f.source, f.stage) for f in summary.failed] == [("x", "extract")]
    assert "RuntimeError: extractor bug" in summary.failed[0].message


def test_killed_ingest_rerun_ends_identical(tmp_path, corpus):
    driver = [sys.executable, str(FIXTURES / "ingest_driver.py")]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    with open_store(tmp_path / "reference.db") as store:  # the uninterrupted run
        ingest([str(corpus)], store, fake_extract)
        expected = store.canonical_dump()
        total = store.counts().articles

    killed = tmp_path / "killed.db"
    stop_after = random.Random().randint(1, total - 3)  # the driver commits every 3 articles
    process = subprocess.Popen(driver + [str(killed), str(corpus)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if _stored_articles(killed) >= stop_after:
                break
            time.sleep(0.005)
        process.kill()  # SIGKILL: no cleanup, no atexit
    finally:
        process.wait()
    assert _stored_articles(killed) < total, "the ingest finished before it could be killed"
    subprocess.run(driver + [str(killed), str(corpus)], check=True, env=env, capture_output=True, timeout=120)
    with open_store(killed) as store:
        assert store.canonical_dump() == expected


def _stored_articles(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_ingest_command_and_events_exports(tmp_path, corpus, capsys):
    db = str(tmp_path / "cli.db")
    err = Console(file=io.StringIO(), width=200)
    assert run_ingest([str(corpus), str(tmp_path / "missing.txt")], db, None, False, err, fake_extract) == 0
    report = err.file.getvalue()
    assert "articles read" in report and "no such file or directory" in report and "invalid JSON" in report

    def export(fmt: str, **filters) -> str:
        out = tmp_path / f"out.{fmt}"
        args = dict(country=None, admin1=None, since=None, until=None, event_type=None, actor=None,
                    min_fatalities=None, search=None, limit=None)
        args.update(filters)
        assert run_events(db, **args, fmt=fmt, output=out, err=err) == 0
        return out.read_text(encoding="utf-8") if fmt != "parquet" else ""

    rows = list(csv.reader(io.StringIO(export("csv"))))
    assert tuple(rows[0][:len(ACLED_COLUMNS)]) == ACLED_COLUMNS and "number_of_sources" in rows[0]
    assert len(rows) - 1 == store_events(db)
    syria = [json.loads(line) for line in export("jsonl", country="Syria").splitlines()]
    assert syria and all(r["country"] == "Syria" for r in syria)
    assert all(r["number_of_sources"] == len({c["outlet"] for c in r["claims"]}) for r in syria)
    assert json.loads(export("geojson", min_fatalities=10))["type"] == "FeatureCollection"
    assert export("ucdp-csv").startswith("id,year,type_of_violence")
    assert isinstance(json.loads(export("json", since="2022-01-10", until="2022-01-20")), list)
    export("parquet")
    assert run_events(db, None, None, "2022-13-01", None, None, None, None, None, None, "csv", None, err) == 2
    assert run_events(db, None, None, None, None, None, None, None, None, None, "xlsx", None, err) == 2


def test_typer_commands_parse_their_options(tmp_path, corpus):
    import typer
    from typer.testing import CliRunner

    from rasd.commands import events as events_command
    from rasd.commands import ingest as ingest_command
    app = typer.Typer()
    ingest_command.register(app)
    events_command.register(app)
    runner = CliRunner()
    db = str(tmp_path / "typer.db")
    with open_store(db) as store:
        ingest([str(corpus)], store, fake_extract)
    result = runner.invoke(app, ["events", "--db", db, "--country", "IQ", "--type", "Armed clash",
                                 "--min-fatalities", "1", "--search", "مصدر", "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert records and all(r["country_code"] == "IQ" and r["sub_event_type"] == "Armed clash" for r in records)
    result = runner.invoke(app, ["ingest", "--db", db, "--published", "yesterday", str(corpus)])
    assert result.exit_code == 2
