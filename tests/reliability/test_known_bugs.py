"""Bugs the reliability tests found in other modules, one regression test each (details: /work/notes/bugs.md).

Each is ``xfail(strict=False)`` until its owner fixes it; then it passes and the xfail marker (and the matching
``KNOWN_BUGS`` entry in ``hostile.py``) should go.
"""
from __future__ import annotations

from datetime import date

import pytest

from . import hostile
from .support import long_only


@pytest.mark.xfail(strict=False, reason="BUG: rasd/recognise/numbers.py treats str.isdigit() characters such as "
                                        "'²' as decimal digits; int('²') raises ValueError in digits_core")
@pytest.mark.parametrize("text", ["مساحة 5 كم²", "¹", "قتل ① شخص", "٣²"])
def test_superscript_and_circled_digits_do_not_crash_numbers(text):
    hostile.check_numbers(text)
    hostile.check_dates(text, date(2022, 1, 21))
    hostile.check_extract(text, date(2022, 1, 21))


@pytest.mark.xfail(strict=False, reason="BUG: rasd/recognise/numbers.py digits_core calls int() on a digit run of "
                                        "any length; more than 4300 digits raises ValueError (int max str digits)")
@pytest.mark.parametrize("digit", ["٣", "7"])
def test_endless_digit_run_does_not_crash_numbers(digit):
    text = "قتل " + digit * 5000 + " شخصا"
    hostile.check_numbers(text)
    hostile.check_extract(text, date(2022, 1, 21))


@long_only
@pytest.mark.xfail(strict=False, reason="BUG: extract_article is quadratic in article length (analysis.in_sentence "
                                        "scans every mention per sentence; assemble/geocode list scans): a 500K-char "
                                        "article takes ~9 min, so one hostile article stalls a batch")
def test_half_megabyte_article_extracts_in_reasonable_time():
    import time
    sentence = "قتل ثلاثة جنود وأصيب 15 مدنيا في هجوم لتنظيم داعش على بلدة قرب بعقوبة في ديالى يوم الخميس. "
    text = (sentence * (500_000 // len(sentence) + 1))[:500_000]
    started = time.perf_counter()
    hostile.check_extract(text, date(2022, 1, 21))
    assert time.perf_counter() - started < 60
