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


@long_only
@pytest.mark.xfail(strict=False, reason="BUG (partly fixed): mention lookups are bisections now (100K chars: 19 s -> "
                                        "0.8 s CPU), but merging still re-reads a growing event for each of thousands "
                                        "of identical sentences: a 500K-char article took ~2 min on a loaded machine")
def test_half_megabyte_article_extracts_in_reasonable_time():
    import time
    sentence = "قتل ثلاثة جنود وأصيب 15 مدنيا في هجوم لتنظيم داعش على بلدة قرب بعقوبة في ديالى يوم الخميس. "
    text = (sentence * (500_000 // len(sentence) + 1))[:500_000]
    started = time.perf_counter()
    hostile.check_extract(text, date(2022, 1, 21))
    assert time.perf_counter() - started < 60


@pytest.mark.xfail(strict=False, reason="BUG: rasd/io/readers.py _json_article passes lone surrogates in the JSON "
                                        "id/url/source fields through; writers and the store cannot encode them")
def test_lone_surrogate_in_json_id_does_not_crash_extract(tmp_path):
    from .support import assert_no_traceback, run_rasd
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "x\\ud800", "url": "http://e.org/\\udfff", "source": "\\ud800", '
                    '"text": "قتل ثلاثة جنود في هجوم على بلدة في ديالى يوم الخميس"}\n', encoding="utf-8")
    proc = run_rasd("extract", str(path), "--format", "jsonl", "--published", "2022-01-21")
    assert_no_traceback(proc)
    assert proc.returncode == 0
