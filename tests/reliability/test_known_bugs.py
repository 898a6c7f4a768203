"""Bugs the reliability tests found in other modules, one regression test each (details: /work/notes/bugs.md).

Each is ``xfail(strict=False)`` until its owner fixes it; then the xfail marker (and the matching
``KNOWN_BUGS`` entry in ``hostile.py``) goes and the test stays as a regression test.
"""
from __future__ import annotations

from datetime import date

import pytest

from . import hostile
from .support import long_only


# B1, fixed in 31a0c6e: numbers.py took str.isdigit() characters ('²', '①') for decimal digits (ValueError).
@pytest.mark.parametrize("text", ["مساحة 5 كم²", "¹", "قتل ① شخص", "٣²"])
def test_superscript_and_circled_digits_do_not_crash_numbers(text):
    hostile.check_numbers(text)
    hostile.check_dates(text, date(2022, 1, 21))
    hostile.check_extract(text, date(2022, 1, 21))


# B2, fixed in 31a0c6e: numbers.py called int() on digit runs over Python's 4300-digit limit (ValueError).
@pytest.mark.parametrize("digit", ["٣", "7"])
def test_endless_digit_run_does_not_crash_numbers(digit):
    text = "قتل " + digit * 5000 + " شخصا"
    hostile.check_numbers(text)
    hostile.check_extract(text, date(2022, 1, 21))


# B3, fixed: extraction was quadratic in article length (500K chars: 539 s CPU at first, 12.8 s after fb70570,
# 418e521, 6143f5f, 6bf3d2e, 9e5e1d7 and 72f8613; 100K: 2.5 s). Long-only: it still takes a while.
@long_only
def test_half_megabyte_article_extracts_in_reasonable_time():
    import time
    sentence = "قتل ثلاثة جنود وأصيب 15 مدنيا في هجوم لتنظيم داعش على بلدة قرب بعقوبة في ديالى يوم الخميس. "
    text = (sentence * (500_000 // len(sentence) + 1))[:500_000]
    started = time.perf_counter()
    hostile.check_extract(text, date(2022, 1, 21))
    assert time.perf_counter() - started < 60


# Lone surrogates, fixed in rasd/io/readers.py: a JSON "\ud800" escape in any string field (or an undecodable
# byte in a file name) reached the JSONL writer and the store, which cannot encode it, and the batch was lost.
SURROGATE_LINE = ('{"id": "x\\ud800", "url": "http://e.org/\\udfff", "source": "\\ud800", "title": "\\udc00 t", '
                  '"published": "2022-01-21\\ud800", "text": "قتل ثلاثة جنود في هجوم على بلدة في ديالى يوم الخميس"}\n')


def test_lone_surrogates_in_every_json_field_are_replaced(tmp_path):
    import dataclasses
    from rasd.io.readers import read_articles
    (tmp_path / "s.jsonl").write_text(SURROGATE_LINE, encoding="utf-8")
    (article,) = read_articles(tmp_path / "s.jsonl")
    for field in dataclasses.fields(article):
        value = getattr(article, field.name)
        if isinstance(value, str):
            value.encode("utf-8")       # raises on a lone surrogate
    assert (article.id, article.url, article.source, article.title) == ("x\ufffd", "http://e.org/\ufffd", "\ufffd",
                                                                        "\ufffd t")
    assert article.published == date(2022, 1, 21)


def test_undecodable_file_name_gives_an_encodable_id_and_skip(tmp_path):
    import dataclasses
    import os
    from rasd.io.readers import Skipped, read_articles
    folder = os.fsencode(tmp_path)
    with open(folder + b"/\xffarticle.txt", "wb") as fh:
        fh.write("قتل ثلاثة جنود في هجوم على بلدة في ديالى يوم الخميس".encode("utf-8"))
    with open(folder + b"/\xfe.bin", "wb") as fh:
        fh.write(b"\0\1")
    items = list(read_articles(tmp_path))
    assert any(isinstance(i, Skipped) for i in items) and any(not isinstance(i, Skipped) for i in items)
    for item in items:
        for field in dataclasses.fields(item):
            value = getattr(item, field.name)
            if isinstance(value, str):
                value.encode("utf-8")


@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_lone_surrogates_in_json_fields_do_not_crash_the_cli(tmp_path, command):
    from .support import assert_no_traceback, run_rasd
    path = tmp_path / "s.jsonl"
    path.write_text(SURROGATE_LINE, encoding="utf-8")
    if command == "extract":
        proc = run_rasd("extract", str(path), "--format", "jsonl", "--published", "2022-01-21")
    else:
        proc = run_rasd("ingest", str(path), "--db", str(tmp_path / "s.db"), "--no-progress")
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr[-2000:]
    if command == "extract":
        assert "x\ufffd" in proc.stdout
