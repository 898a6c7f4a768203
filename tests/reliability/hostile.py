"""Hostile text and the invariants every text stage must keep on it.

One source for the property tests (``test_hostile_text.py``, a short run) and the long fuzz run
(``scripts/fuzz.py``, minutes to hours): the strategies that generate what the web can throw at rasd, and
one ``check_*`` function per stage that raises ``AssertionError`` when an invariant breaks.

The invariants:
- no exception escapes (other than the documented typed ones);
- every offset is half-open into the ORIGINAL text and ``text[start:end] == quoted text``;
- the normaliser's offset map is monotonic, in range, one entry per folded character.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from hypothesis import strategies as st

# --- alphabets ---------------------------------------------------------------------------------------------------

# The characters that break naive code: bidi controls and isolates, zero-width (non-)joiners, BOM, soft hyphen,
# line/paragraph separators, NEL, NUL and other C0/C1 controls, the Arabic letter mark, combining marks that stack.
CONTROLS = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
            "\u2066", "\u2067", "\u2068", "\u2069", "\u061c", "\ufeff", "\u00ad", "\u2028", "\u2029", "\u0085",
            "\x00", "\x07", "\x1b", "\x7f", "\x9f", "\r", "\t", "\f", "\v"]
ARABIC_LETTERS = [chr(c) for c in range(0x0621, 0x064B)] + ["ى", "ة", "ی", "ک", "گ", "ٱ", "پ", "چ"]
DIACRITICS = [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670"] + [chr(c) for c in range(0x06D6, 0x06EE)]
DIGITS = [chr(0x0660 + i) for i in range(10)] + [chr(0x06F0 + i) for i in range(10)] + list("0123456789")
PUNCTUATION = list(".,;:!?؟،؛…٫٬«»“”\"'()[]{}-–—/\\%٪$€ \n\n") + ["...", "..\n", "\n\n\n"]
# Presentation forms (what PDF-to-text and old sites emit), including ligatures that expand to several letters.
PRESENTATION = ["\ufedf", "\ufe8e", "\ufefb", "\ufef5", "\ufdf2", "\ufdfa", "\ufe70", "\ufe7c", "\ufb50",
                "\ufefc", "\ufe80", "\ufdfb", "\ufdfd"]
OTHER_SCRIPTS = list("abcXYZİıßẞﬁǅΣσς") + ["Ω", "я", "עברית", "हिन्दी", "中文", "한국어", "😀", "👨‍👩‍👧", "🏳️‍🌈",
                                        "\U0001d400", "\U000e0001", "\ufffd", "\uffff"]

# Fragments of the kind of reporting rasd exists for: they steer the random text into the deep paths of the
# pipeline (triggers, casualty counts, dates, places, actors) where offset arithmetic happens.
REPORTING = [
    "قتل", "قُتل", "مقتل", "ثلاثة", "٣", "15", "عشرات", "أكثر من 20", "شخصا", "جنود", "مدنيين", "وأصيب",
    "في هجوم", "انفجار سيارة مفخخة", "غارة جوية", "قصف مدفعي", "اشتباكات", "اختطاف", "اعتقال", "مظاهرة",
    "على", "في", "قرب", "بلدة", "مدينة", "محافظة", "بغداد", "ديالى", "الحسكة", "إدلب", "حلب", "الموصل",
    "صنعاء", "عدن", "سيناء", "طرابلس", "بنغازي", "دمشق", "الرمادي", "الفلوجة", "كركوك", "درعا",
    "تنظيم داعش", "الجيش العراقي", "قوات سوريا الديمقراطية", "الحوثيين", "التحالف", "الشرطة", "مسلحون",
    "أمس", "اليوم", "الخميس", "يوم الاثنين الماضي", "صباح الجمعة", "21 يناير 2022", "١٥ رمضان ١٤٤٣",
    "الشهر الماضي", "قبل ثلاثة أيام", "عام 2014", "2022/01/21", "منتصف الليل", "الساعة 3:30",
    "وقال مصدر أمني", "بحسب المرصد", "لم يسفر", "نفى", "قد", "في حال", "سيقوم", "ذكرى", "مليون", "ألف",
    "نصف", "اثنان", "اثنين", "جنديين", "عشرة", "مئة", "مائتين", "1,200", "3.5", "%", "دولار",
]


def _pieces() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(REPORTING),
        st.sampled_from(ARABIC_LETTERS),
        st.sampled_from(DIACRITICS),
        st.sampled_from(CONTROLS),
        st.sampled_from(DIGITS),
        st.sampled_from(PUNCTUATION),
        st.sampled_from(PRESENTATION),
        st.sampled_from(OTHER_SCRIPTS),
        st.just(" "),
        st.just("ـــ"),
        st.characters(),                                     # anything at all (no lone surrogates)
        st.characters(codec="utf-8", categories=("Mn", "Me", "Cf", "Zs", "Zl", "Zp", "Co", "Cn")),
    )


# Bugs already found and reported (/work/notes/bugs.md, each with an xfail test in test_known_bugs.py): the
# property runs steer around them so that they can keep finding new ones. Remove an entry once its bug is fixed.
KNOWN_BUGS: dict[str, Callable[[str], bool]] = {
    # B1 (non-decimal digits such as '²') and B2 (digit runs over 4300 digits) in numbers.py: fixed in 31a0c6e.
}


def hits_known_bug(text: str) -> bool:
    return any(trigger(text) for trigger in KNOWN_BUGS.values())


def hostile_text(max_pieces: int = 80) -> st.SearchStrategy[str]:
    """Random mixtures of reporting fragments, Arabic letters and marks, controls, other scripts and noise."""
    return _hostile_text(max_pieces).filter(lambda t: not hits_known_bug(t))


def _hostile_text(max_pieces: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(_pieces(), max_size=max_pieces).map("".join),
        st.text(max_size=200),
        # the same fragment repeated: long runs stress the scanners' lookahead
        st.tuples(st.sampled_from(REPORTING + CONTROLS + DIACRITICS + PUNCTUATION), st.integers(1, 300))
        .map(lambda t: t[0] * t[1]),
    )


def published_dates() -> st.SearchStrategy[date | None]:
    return st.one_of(st.none(), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
                     st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)))


# --- invariants --------------------------------------------------------------------------------------------------

def assert_quotes_original(text: str, start: int, end: int, quoted: str, what: str) -> None:
    assert isinstance(start, int) and isinstance(end, int), f"{what}: non-integer offsets {start!r}:{end!r}"
    assert 0 <= start <= end <= len(text), f"{what}: offsets {start}:{end} outside 0:{len(text)}"
    assert text[start:end] == quoted, f"{what}: text[{start}:{end}]={text[start:end]!r} but quotes {quoted!r}"


def check_normalise(text: str) -> None:
    from rasd.text.normalise import normalise
    norm = normalise(text)
    assert norm.original == text
    assert len(norm.to_original) == len(norm.text), "one offset-map entry per folded character"
    previous = -1
    for index in norm.to_original:
        assert 0 <= index < len(text), f"offset map entry {index} outside the text (len {len(text)})"
        assert index >= previous, "offset map goes backwards"
        previous = index
    n = len(norm.text)
    for start, end in ((0, n), (0, 0), (n, n), (n // 3, (2 * n) // 3 + 1)):
        end = min(end, n)
        s, e = norm.span_to_original(start, end)
        assert 0 <= s <= e <= len(text), f"span_to_original({start},{end}) -> {s}:{e} outside 0:{len(text)}"


def check_segment(text: str) -> None:
    from rasd.text.segment import split_sentences
    sentences = split_sentences(text)
    previous_end = 0
    for i, sentence in enumerate(sentences):
        assert sentence.index == i
        assert previous_end <= sentence.start < sentence.end <= len(text), \
            f"sentence {i} at {sentence.start}:{sentence.end} overlaps or leaves the text"
        assert text[sentence.start:sentence.end].strip(), "empty sentence"
        previous_end = sentence.end


def check_numbers(text: str) -> None:
    from rasd.recognise.numbers import find_numbers
    from rasd.text.normalise import normalise
    for m in find_numbers(normalise(text)):
        assert_quotes_original(text, m.start, m.end, m.text, f"NUMBER {m.text!r}")


def check_dates(text: str, published: date | None) -> None:
    from rasd.recognise.dates import find_dates
    from rasd.text.normalise import normalise
    for m in find_dates(normalise(text), published):
        assert_quotes_original(text, m.start, m.end, m.text, f"DATE {m.text!r}")
        ref = m.value
        start, end = getattr(ref, "start", None), getattr(ref, "end", None)
        if start is not None and end is not None:
            assert start <= end, f"DATE {m.text!r} resolves to a window that ends before it starts"


def check_extract(text: str, published: date | None, include_all: bool = True) -> None:
    from rasd.model import Article
    from rasd.pipeline import extract_article
    article = Article(id="fuzz", text=text, published=published)
    for event in extract_article(article, include_all=include_all):
        assert event.evidence, f"event {event.event_id} without evidence"
        for ev in event.evidence:
            assert ev.article_id == "fuzz"
            assert_quotes_original(text, ev.start, ev.end, ev.text, f"evidence of {event.event_id}")
        event.to_record()   # the record must be buildable for every event


def check_all(text: str, published: date | None) -> None:
    check_normalise(text)
    check_segment(text)
    check_numbers(text)
    check_dates(text, published)
    check_extract(text, published)
