"""A corpus of bad files: each gets a clear skip (with a reason and a count) and the rest of the batch goes on.

Small bad files are committed under tests/fixtures/bad/ (see its README.md); the big ones (a 200 MB text, a
gzip bomb, a 20 MB JSONL line) are generated in a temporary directory at test time. Every check runs through
the readers, then through ``rasd extract`` and ``rasd ingest`` as subprocesses: exit code, stderr message,
no "Traceback", peak memory bounded, and the good articles of the batch still processed.
"""
from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest

from rasd.io.readers import Skipped, read_articles
from rasd.model import Article

from .support import BAD_FIXTURES, LONG, assert_no_traceback, run_rasd, run_rasd_measured

GOOD_TEXT = ("قتل ثلاثة جنود عراقيين وأصيب خمسة آخرون في هجوم لتنظيم داعش على موقع للجيش في قضاء المقدادية "
             "بمحافظة ديالى يوم الخميس، بحسب مصدر أمني.")
# Peak resident memory allowed for one rasd process reading the whole bad batch (the models and gazetteer
# alone take a few hundred MiB; a 200 MB file or a bomb read whole would blow far past this).
MAX_RSS_MIB = 1200
BIG_TEXT_BYTES = 200 * 1024 * 1024
BOMB_BYTES = (1024 if LONG else 256) * 1024 * 1024

# Fixture → the reasons its skips must give (substrings); files not listed here must yield at least one skip.
EXPECTED_SKIPS = {
    "bad-crc.txt.gz": "CRC",
    "bad-deflate.txt.gz": "cannot read",          # found by scripts/fuzz.py: zlib.error escaped the reader
    "bad-deflate.jsonl.gz": "cannot read",
    "binary.txt": "binary",
    "broken-feed.rss": "feed",
    "empty-feed.rss": "without entries",
    "feed-bad-encoding-name.rss": "unparseable feed",   # found by scripts/fuzz.py: feedparser UnicodeDecodeError
    "feed-entry-fields-none.atom": "feed entry without text",   # found by scripts/fuzz.py: None fields, TypeError
    "empty.txt": "empty",
    "garbage.warc": "archive",
    "warc-without-target-uri.warc": "broken archive",   # found by scripts/fuzz.py: warcio AttributeError escaped
    "image.html": "binary",
    "invalid-utf16.txt": "undecodable",
    "no-text.html": "no main text",
    "only-script.html": "no main text",
    "not-gzip.txt.gz": "cannot read",
    "truncated.jsonl.gz": "cannot read",
}
# Fixtures that hold readable articles among the damage, and how many at least.
EXPECTED_ARTICLES = {"mixed-bad-lines.jsonl": 4, "broken-feed.atom": 1, "truncated.warc": 1}


def _fixture_files() -> list[Path]:
    return sorted(p for p in BAD_FIXTURES.iterdir() if p.is_file() and p.name != "README.md")


# --- generated big files -----------------------------------------------------------------------------------------

def write_big_text(path: Path, size: int = BIG_TEXT_BYTES) -> Path:
    """A plain-text file of ``size`` bytes of Arabic reporting, written in chunks (never held in memory)."""
    chunk = (GOOD_TEXT + "\n").encode("utf-8") * 4096
    with open(path, "wb") as fh:
        written = 0
        while written < size:
            fh.write(chunk[: size - written])
            written += len(chunk)
    return path


def write_gzip_bomb(path: Path, size: int = BOMB_BYTES) -> Path:
    """A small gzip that inflates to ``size`` bytes (one endless line), compressed in chunks."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)      # 31: gzip container
    block = b"\xd8\xa7" * (1 << 19)                          # 1 MiB of alef: compresses about 1000:1
    with open(path, "wb") as fh:
        for _ in range(size // len(block)):
            fh.write(compressor.compress(block))
        fh.write(compressor.flush())
    return path


def write_huge_jsonl_line(path: Path, size: int = 20 * 1024 * 1024) -> Path:
    """A JSONL file whose second line is one ``size``-byte record, between two good ones."""
    good = json.dumps({"id": "before-huge", "text": GOOD_TEXT, "published": "2022-01-21"}, ensure_ascii=False)
    after = json.dumps({"id": "after-huge", "text": GOOD_TEXT.replace("ثلاثة", "أربعة"),
                        "published": "2022-01-21"}, ensure_ascii=False)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(good + "\n")
        fh.write('{"id": "huge", "text": "')
        unit = "قتل " * 4096
        for _ in range(size // len(unit.encode("utf-8")) + 1):
            fh.write(unit)
        fh.write('"}\n')
        fh.write(after + "\n")
    return path


@pytest.fixture(scope="module")
def big_files(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("big")
    files = {
        "text": write_big_text(root / "huge.txt"),
        "bomb": write_gzip_bomb(root / "bomb.txt.gz"),
        "bomb_jsonl": write_gzip_bomb(root / "bomb.jsonl.gz", size=BOMB_BYTES // 4),
        "jsonl": write_huge_jsonl_line(root / "huge-line.jsonl"),
    }
    yield files
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def batch(tmp_path, big_files) -> Path:
    """A directory: every bad fixture, every big file, and one good article in the middle of them."""
    root = tmp_path / "batch"
    shutil.copytree(BAD_FIXTURES, root, ignore=shutil.ignore_patterns("README.md"))
    for path in big_files.values():
        (root / path.name).symlink_to(path)
    (root / "m-good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    return root


# --- through the readers -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: p.name)
def test_each_bad_fixture_reads_to_articles_or_reasoned_skips(path):
    items = list(read_articles(path))
    for item in items:
        assert isinstance(item, (Article, Skipped))
        if isinstance(item, Skipped):
            assert item.reason.strip(), f"skip without a reason: {item}"
        else:
            assert item.text.strip()
            item.text.encode("utf-8")          # storable and writable: no lone surrogates
            item.id.encode("utf-8")
    if path.name in EXPECTED_SKIPS:
        reasons = " | ".join(i.reason for i in items if isinstance(i, Skipped))
        assert EXPECTED_SKIPS[path.name].lower() in reasons.lower(), f"{path.name}: skip reasons were {reasons!r}"
    if path.name in EXPECTED_ARTICLES:
        assert sum(isinstance(i, Article) for i in items) >= EXPECTED_ARTICLES[path.name]


def test_big_text_file_is_skipped_not_loaded(big_files):
    items = list(read_articles(big_files["text"]))
    assert len(items) == 1 and isinstance(items[0], Skipped)
    assert "larger than" in items[0].reason


def test_gzip_bomb_is_skipped_after_the_size_cap(big_files):
    for key in ("bomb", "bomb_jsonl"):
        items = list(read_articles(big_files[key]))
        assert items and all(isinstance(i, Skipped) for i in items), items
        assert any("larger than" in i.reason for i in items), items


def test_huge_jsonl_line_is_skipped_and_its_neighbours_read(big_files):
    items = list(read_articles(big_files["jsonl"]))
    ids = [i.id for i in items if isinstance(i, Article)]
    assert ids == ["before-huge", "after-huge"]
    assert any(isinstance(i, Skipped) and "larger than" in i.reason for i in items)


# --- through the command line ------------------------------------------------------------------------------------

def test_rasd_extract_processes_the_rest_of_a_bad_batch(batch):
    proc, peak_mib = run_rasd_measured("extract", str(batch), "--format", "jsonl", "--published", "2022-01-21")
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "skipped" in proc.stderr and "input(s)" in proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    article_ids = {a for r in records for a in r["article_ids"]}
    assert "m-good" in article_ids, "the good article in the middle of the batch was not processed"
    assert "before-huge" in article_ids and "after-huge" in article_ids
    assert peak_mib < MAX_RSS_MIB, f"peak memory {peak_mib:.0f} MiB"
    print(f"\nrasd extract on the bad batch: peak RSS {peak_mib:.0f} MiB")


def test_rasd_extract_on_only_bad_files_fails_clearly(tmp_path):
    for name in ("empty.txt", "binary.txt", "broken-feed.rss", "no-text.html"):
        shutil.copy(BAD_FIXTURES / name, tmp_path / name)
    proc = run_rasd("extract", str(tmp_path), "--format", "jsonl")
    assert_no_traceback(proc)
    assert proc.returncode == 2
    assert "no article to read" in proc.stderr


def test_rasd_extract_on_a_missing_file_fails_clearly(tmp_path):
    proc = run_rasd("extract", str(tmp_path / "nope.txt"), "--format", "jsonl")
    assert_no_traceback(proc)
    assert proc.returncode == 2
    assert "no such file" in proc.stderr


def test_rasd_ingest_stores_the_rest_of_a_bad_batch_and_counts_skips(batch, tmp_path):
    db = tmp_path / "bad.db"
    proc, peak_mib = run_rasd_measured("ingest", str(batch), "--db", str(db), "--no-progress",
                                       "--published", "2022-01-21")
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "skipped:" in proc.stderr and "not stored" in proc.stderr
    assert peak_mib < MAX_RSS_MIB, f"peak memory {peak_mib:.0f} MiB"
    print(f"\nrasd ingest on the bad batch: peak RSS {peak_mib:.0f} MiB")
    with sqlite3.connect(db) as con:
        stored = con.execute("select count(*) from articles").fetchone()[0]
    assert stored >= 3          # the good text, the JSONL neighbours of the huge line, the feed entry …
    # a second run over the same batch stores nothing new and still exits cleanly
    again = run_rasd("ingest", str(batch), "--db", str(db), "--no-progress", "--published", "2022-01-21")
    assert_no_traceback(again)
    assert again.returncode == 0
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from articles").fetchone()[0] == stored


def test_rasd_ingest_into_an_unwritable_place_fails_clearly(tmp_path):
    proc = run_rasd("ingest", str(BAD_FIXTURES / "empty.txt"), "--db", str(tmp_path / "no" / "such" / "dir" / "x.db"),
                    "--no-progress")
    assert_no_traceback(proc)
    # either the store creates the directory, or it says why it cannot (exit 2, as for any unusable store)
    assert proc.returncode in (0, 2)


def _corrupt_sqlite_file(path: Path) -> Path:
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)     # a valid magic, then garbage
    return path


# B5, fixed: a damaged SQLite file gave a traceback (sqlite3 DatabaseError from the connect-time PRAGMAs).
@pytest.mark.parametrize("command", [
    ("ingest", str(BAD_FIXTURES / "mixed-bad-lines.jsonl"), "--no-progress"),
    ("events", "--format", "jsonl"),
    ("token", "list"),
    ("serve", "--port", "1"),           # refused before it would bind
])
def test_every_store_command_on_a_corrupt_database_file_fails_clearly(tmp_path, command):
    db = _corrupt_sqlite_file(tmp_path / "corrupt.db")
    proc = run_rasd(*command, "--db", str(db), timeout=120)
    assert_no_traceback(proc)
    assert proc.returncode == 2          # bad input or environment, as in rasd extract: the same in every command
    assert f"rasd {command[0]}" in proc.stderr
    assert "is not a rasd database or is damaged" in proc.stderr, proc.stderr[-2000:]
    assert db.read_bytes() == b"SQLite format 3\x00" + b"\xff" * 4096        # left as it was


def _sqlite_with(path: Path, *statements: str) -> Path:
    with sqlite3.connect(path) as con:
        for statement in statements:
            con.execute(statement)
    return path


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: _corrupt_sqlite_file(p), "is not a rasd database or is damaged"),
    (lambda p: (p.write_text("not a database at all\n" * 300), p)[1], "is not a rasd database or is damaged"),
    (lambda p: _sqlite_with(p, "create table articles (x)"), "holds tables rasd did not create"),
    (lambda p: _sqlite_with(p, "create table alembic_version (version_num varchar(32) primary key)",
                            "insert into alembic_version values ('from_a_future_rasd')"),
     "another version of rasd"),
    (lambda p: (p.mkdir(), p)[1], "cannot open database"),
])
def test_open_store_turns_every_opening_failure_into_a_store_error(tmp_path, make, message):
    from rasd.store.db import StoreError, open_store
    db = make(tmp_path / "x.db")
    with pytest.raises(StoreError, match=message):
        open_store(db)


def _damage_inside(tmp_path: Path) -> tuple[Path, Path]:
    """A store that opens fine but has an index page and a page of event records overwritten."""
    from .crash import make_corpus
    corpus = make_corpus(tmp_path / "corpus.jsonl", articles=12)
    db = tmp_path / "damaged.db"
    good = run_rasd("ingest", str(corpus), "--db", str(db), "--no-progress")
    assert good.returncode == 0, good.stderr[-2000:]
    data = bytearray(db.read_bytes())
    pages = len(data) // 4096
    assert pages > 20
    for page in (5, pages // 2):     # an index page and a page of event records (for this seeded corpus)
        data[page * 4096:(page + 1) * 4096] = b"\xa5" * 4096
    db.write_bytes(bytes(data))
    return corpus, db


# B8, fixed: damage past the pages read at open surfaced later as a traceback (sqlite3 DatabaseError
# 'database disk image is malformed' in ingest, OperationalError 'Could not decode to UTF-8' in events).
@pytest.mark.parametrize("command", ["ingest", "events", "serve"])
def test_a_store_damaged_inside_fails_clearly(tmp_path, command):
    corpus, db = _damage_inside(tmp_path)
    args = {"ingest": (str(corpus), "--no-progress"), "events": ("--format", "jsonl"),
            "serve": ("--demo", "--port", "1")}[command]        # serve: storing the demo articles meets the damage
    proc = run_rasd(command, *args, "--db", str(db), timeout=120)
    assert_no_traceback(proc)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"rasd {command}: database error:" in proc.stderr, proc.stderr[-2000:]
    assert "PRAGMA integrity_check" in proc.stderr and str(db) in proc.stderr


def test_rasd_token_on_a_store_damaged_inside_gives_no_traceback(tmp_path):
    _, db = _damage_inside(tmp_path)
    for args in (("create", "zed"), ("list",), ("revoke", "zed")):
        proc = run_rasd("token", *args, "--db", str(db), timeout=120)
        assert_no_traceback(proc)
        assert proc.returncode in (0, 2), proc.stderr[-2000:]


def test_the_api_on_a_store_damaged_inside_answers_503_and_keeps_serving(tmp_path):
    import os
    import signal
    import socket
    import subprocess
    import time
    import urllib.error
    import urllib.request

    from .support import rasd_command
    _, db = _damage_inside(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([*rasd_command(), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
                return answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read().decode("utf-8", "replace")

    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read()[-2000:]
            try:
                get("/api/editable-fields")
                break
            except OSError:
                assert time.monotonic() < deadline, "rasd serve did not answer within 120 s"
                time.sleep(0.3)
        statuses = {}
        for path in ("/api/events?limit=500", "/api/export?format=jsonl", "/api/aggregates?by=country",
                     "/api/articles?limit=500"):
            status, body = get(path)
            statuses[path] = status
            assert status < 500 or status == 503, (path, status, body[:500])
            if status == 503:
                message = json.loads(body)
                assert message["status"] == 503 and "database error" in message["error"]
                assert "SELECT" not in body and str(db) not in body       # no SQL, no path to the client
        assert 503 in statuses.values(), statuses       # the damage is met by at least one read
        assert get("/api/editable-fields")[0] == 200       # and the server goes on serving
        assert server.poll() is None
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    log = server.stderr.read()
    assert "database error on GET" in log, log[-2000:]


def test_gzip_fixture_files_really_are_damaged():
    # Guard the corpus itself: if someone "repairs" a fixture the tests above prove nothing.
    with pytest.raises((EOFError, OSError)):
        gzip.decompress((BAD_FIXTURES / "truncated.jsonl.gz").read_bytes())
    with pytest.raises((EOFError, OSError)):
        gzip.decompress((BAD_FIXTURES / "bad-crc.txt.gz").read_bytes())
