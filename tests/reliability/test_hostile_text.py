"""Hostile text through every text stage: no exception, every offset quotes the original text.

Property tests (hypothesis) over the normaliser, the segmenter, the number and date recognisers and the
whole extraction, plus fixed worst cases: 1 MB lines, bidi/zero-width soup, deeply nested HTML.
The long fuzz run is ``scripts/fuzz.py`` (same strategies and checks, see ``hostile.py``).
"""
from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import given, settings

from . import hostile
from .support import LONG, examples, long_only

PROFILE = settings.get_profile("reliability")


@settings(PROFILE, max_examples=examples(300, 5000))
@given(hostile.hostile_text())
def test_normaliser_offset_map_holds_on_hostile_text(text):
    hostile.check_normalise(text)


@settings(PROFILE, max_examples=examples(300, 5000))
@given(hostile.hostile_text())
def test_segmenter_sentences_stay_inside_the_text(text):
    hostile.check_segment(text)


@settings(PROFILE, max_examples=examples(200, 3000))
@given(hostile.hostile_text())
def test_number_mentions_quote_the_original(text):
    hostile.check_numbers(text)


@settings(PROFILE, max_examples=examples(200, 3000))
@given(hostile.hostile_text(), hostile.published_dates())
def test_date_mentions_quote_the_original(text, published):
    hostile.check_dates(text, published)


@settings(PROFILE, max_examples=examples(120, 2000))
@given(hostile.hostile_text(max_pieces=60), hostile.published_dates())
def test_extract_article_evidence_quotes_the_original(text, published):
    hostile.check_extract(text, published)


# --- fixed worst cases -------------------------------------------------------------------------------------------

SENTENCE = "قتل ثلاثة جنود وأصيب 15 مدنيا في هجوم لتنظيم داعش على بلدة قرب بعقوبة في ديالى يوم الخميس "


def _megabyte_line(unit: str) -> str:
    text = unit * (1_000_000 // len(unit.encode("utf-8")) + 1)
    return text[: 1_000_000 // 2]      # Arabic letters are 2 bytes in UTF-8: about 1 MB on the wire


@pytest.mark.parametrize("unit", [
    SENTENCE.replace("\n", " "),                       # a real-looking sentence with no full stop, repeated
    "ـ",                                               # tatweel only
    "\u200f\u200b\u202e",                              # nothing but bidi and zero-width controls
    pytest.param("٣ ", marks=long_only),               # half a million Arabic-Indic numbers (40 s: long runs)
    "٣",                                               # one endless Arabic-Indic number (was bug B2)
    "ب" + "\u064e\u0651" * 20,                         # a letter drowned in stacked diacritics
])
def test_one_megabyte_line_through_text_stages(unit):
    text = _megabyte_line(unit)
    started = time.perf_counter()
    hostile.check_normalise(text)
    hostile.check_segment(text)
    hostile.check_numbers(text)
    hostile.check_dates(text, date(2022, 1, 21))
    # Linear stages: a 1 MB line must not take minutes (quadratic scanning would).
    assert time.perf_counter() - started < 60


def test_long_article_through_extract_article():
    # 1 MB lines through extract_article are too slow today (quadratic, see test_known_bugs); the default suite
    # keeps a 20K-character single line so the deep stages still see a long line, and the long run the full size.
    size = 1_000_000 // 2 if LONG else 20_000
    text = (SENTENCE * (size // len(SENTENCE) + 1))[:size]
    hostile.check_extract(text, date(2022, 1, 21))


def test_bidi_and_zero_width_inside_words_keep_offsets():
    # Every letter split by a different invisible: folding removes them, offsets must still quote the original.
    invisibles = hostile.CONTROLS[:17]
    text = "".join(ch + invisibles[i % len(invisibles)] for i, ch in enumerate(SENTENCE * 3))
    hostile.check_all(text, date(2022, 1, 21))


def test_presentation_form_ligatures_keep_offsets():
    # ﷲ and ﻻ expand to several letters when folded: the map back must not drift past them.
    text = "\ufdf2 \ufefb " + SENTENCE + " \ufdfa " + SENTENCE
    hostile.check_all(text, date(2022, 1, 21))


def test_deeply_nested_html_through_the_reader(tmp_path):
    from rasd.io.readers import Skipped, read_articles
    from rasd.model import Article
    depth = 100_000
    page = ("<html><body>" + "<div>" * depth + "<p>" + SENTENCE + "</p>" + "</div>" * depth + "</body></html>")
    path = tmp_path / "deep.html"
    path.write_text(page, encoding="utf-8")
    items = list(read_articles(path))
    assert len(items) == 1
    item = items[0]
    assert isinstance(item, (Article, Skipped))
    if isinstance(item, Skipped):
        assert item.reason            # a clear reason, not a crash
    else:
        hostile.check_extract(item.text, date(2022, 1, 21))


def test_unclosed_tags_html_through_the_reader(tmp_path):
    from rasd.io.readers import Skipped, read_articles
    page = "<html><body>" + "<b><i><span><table><tr><td>" * 20_000 + SENTENCE
    path = tmp_path / "unclosed.html"
    path.write_text(page, encoding="utf-8")
    items = list(read_articles(path))
    assert len(items) == 1
    assert not isinstance(items[0], Skipped) or items[0].reason
