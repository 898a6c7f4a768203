"""The speed-ups of issue 8 change no result: each fast path against the plain algorithm it replaced."""
from __future__ import annotations

import unicodedata

from hypothesis import given, settings, strategies as st

from rasd.model import Article
from rasd.recognise.lexicon import PhraseLexicon, PhraseMatch, drop_overlaps, token_readings
from rasd.text.normalise import DEFAULT_STEPS, NormalisedText, _tables, fold, normalise
from rasd.text.tokens import Token, clitic_readings, strip_article, tokenize

WORDS = ["الحسكة", "البو", "كمال", "ريف", "إدلب", "دير", "الزور", "جبل", "الشيخ", "قوات", "الأمن", "مدينة",
         "حلب", "و", "في", "بلدة", "تل", "أبيض", "شرق", "الجيش", "السوري"]
PHRASES = ["الحسكة", "البو كمال", "ريف إدلب", "إدلب", "دير الزور", "جبل الشيخ", "قوات الأمن", "حلب",
           "تل أبيض", "الجيش السوري", "قوات الأمن في حلب", "مدينة حلب"]
CLITICS = ["", "و", "ب", "وب", "ل", "لل", "ف", "وال"]
GAPS = [" ", " ", " ", "، ", " - ", ". ", "\n", "  "]


def _reference_find(lex: PhraseLexicon, norm: NormalisedText, longest_only: bool = True) -> list[PhraseMatch]:
    """PhraseLexicon.find as it was: every token, every reading, every length from the longest down."""
    tokens = tokenize(norm.text)
    max_len: dict[str, int] = {}
    for key in lex._phrases:
        max_len[key[0]] = max(max_len.get(key[0], 0), len(key))

    def adjacent(i: int, j: int) -> bool:
        return all(not norm.text[tokens[k - 1].end:tokens[k].start].strip(" -\u00a0") for k in range(i + 1, j))

    found = []
    for i, tok in enumerate(tokens):
        best = None
        for prefix_len, first in clitic_readings(tok.text):
            for n in range(min(max_len.get(first, 0), len(tokens) - i), 0, -1):
                if n > 1 and not adjacent(i, i + n):
                    continue
                payloads = lex._phrases.get((first,) + tuple(strip_article(t.text) for t in tokens[i + 1:i + n]))
                if payloads:
                    if best is None or n > best[1]:
                        best = (prefix_len, n, payloads)
                    break
        if best is not None:
            prefix_len, n, payloads = best
            s, e = norm.span_to_original(tok.start + prefix_len, tokens[i + n - 1].end)
            found.append(PhraseMatch(s, e, i, i + n, tuple(payloads)))
    return _reference_drop_overlaps(found) if longest_only else found


def _reference_drop_overlaps(matches: list[PhraseMatch]) -> list[PhraseMatch]:
    """drop_overlaps() as it was: longest first, a set of taken token positions per match."""
    ordered = sorted(matches, key=lambda m: (-(m.token_end - m.token_start), m.token_start))
    taken: set[int] = set()
    kept = []
    for m in ordered:
        span = set(range(m.token_start, m.token_end))
        if not span & taken:
            taken |= span
            kept.append(m)
    return sorted(kept, key=lambda m: m.token_start)


def _reference_normalise(text: str) -> NormalisedText:
    """normalise() as it was: a test per character for presentation forms and deletions."""
    trans, deletes = _tables(DEFAULT_STEPS)
    idx = list(range(len(text)))
    work = text
    if any(0xFB50 <= ord(c) <= 0xFDFF or 0xFE70 <= ord(c) <= 0xFEFF for c in text):
        out, idx = [], []
        for i, ch in enumerate(text):
            if (0xFB50 <= ord(ch) <= 0xFDFF or 0xFE70 <= ord(ch) <= 0xFEFF) and ch != "\ufeff":
                rep = unicodedata.normalize("NFKC", ch)
                out.append(rep)
                idx.extend([i] * len(rep))
            else:
                out.append(ch)
                idx.append(i)
        work = "".join(out)
    folded = work.translate(trans)
    lowered = folded.lower()
    folded = lowered if len(lowered) == len(folded) else folded
    kept = [idx[i] for i, c in enumerate(work) if c not in deletes]
    return NormalisedText(folded, text, tuple(kept))


texts = st.lists(st.tuples(st.sampled_from(CLITICS), st.sampled_from(WORDS), st.sampled_from(GAPS)),
                 max_size=25).map(lambda parts: "".join(c + w + g for c, w, g in parts))


@settings(max_examples=300, deadline=None)
@given(texts, st.booleans())
def test_phrase_lexicon_find_matches_the_plain_scan(text, longest_only):
    lex = PhraseLexicon((p, p) for p in PHRASES)
    norm = normalise(text)
    assert lex.find(norm, longest_only=longest_only) == _reference_find(lex, norm, longest_only)
    tokens = tokenize(norm.text)      # the shared per-token-list index, reused by a second lexicon
    other = PhraseLexicon([("قوات", 1), ("حلب", 2), ("جبل الشيخ", 3)])
    assert lex.find(norm, tokens, longest_only) == _reference_find(lex, norm, longest_only)
    assert other.find(norm, tokens) == _reference_find(other, norm)
    assert token_readings(tokens) is token_readings(tokens)


def test_phrase_lexicon_longest_phrase_wins_across_lengths():
    lex = PhraseLexicon([("قوات", "a"), ("قوات الأمن في حلب", "b"), ("قوات الأمن", "c")])
    text = "وصلت قوات الأمن في حلب ثم قوات الأمن، في حلب"
    got = [(text[m.start:m.end], m.payloads) for m in lex.find(normalise(text))]
    assert got == [("قوات الأمن في حلب", ("b",)), ("قوات الأمن", ("c",))]


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(1, 4)), max_size=12))
def test_drop_overlaps_fast_path_agrees(spans):
    matches = [PhraseMatch(s, s + n, s, s + n, (k,)) for k, (s, n) in enumerate(spans)]
    assert drop_overlaps(matches) == _reference_drop_overlaps(matches)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("اأإآبتةثىيـًٌٍَُِّْ \u200f\u200b\u00ad٣3.\nﻻﺍﻟ\ufeffİa")), max_size=80))
def test_normalise_and_fold_match_the_per_character_version(text):
    ref = _reference_normalise(text)
    got = normalise(text)
    assert (got.text, got.original, got.to_original) == (ref.text, ref.original, ref.to_original)
    assert fold(text) == ref.text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("اأإآٱبتةثىیيـًٌٍَُِّْٰ ؤئکڪگك\u200f\u200b\u00ad٣۵3٫٬“”«».,\nﻻﺍﻟ\ufeffİaA")),
               min_size=250, max_size=700), st.booleans())
def test_long_texts_fold_by_replacement_as_by_translate(text, spelling):
    """Texts of REPLACE_MIN_CHARS or more are folded by replacing the characters they hold."""
    from rasd.recognise.numbers import SPELLING_STEPS
    from rasd.text.normalise import REPLACE_MIN_CHARS, _fold
    steps = SPELLING_STEPS if spelling else DEFAULT_STEPS
    work = text * (REPLACE_MIN_CHARS // len(text) + 1)
    assert _fold(work, steps)[2] == _reference_fold(work, steps)
    ref = _reference_normalise(work)
    got = normalise(work)
    assert (got.text, got.to_original) == (ref.text, ref.to_original)
    assert fold(work) == ref.text


def _reference_fold(text: str, steps: tuple[str, ...]) -> str:
    """_fold as it was: presentation forms expanded, then str.translate."""
    work = text
    if "presentation_forms" in steps:
        work = "".join(unicodedata.normalize("NFKC", c)
                       if (0xFB50 <= ord(c) <= 0xFDFF or 0xFE70 <= ord(c) <= 0xFEFF) and c != "\ufeff" else c
                       for c in text)
    folded = work.translate(_tables(steps)[0])
    if "casefold" in steps and len(folded.lower()) == len(folded):
        folded = folded.lower()
    return folded


def test_tokens_are_ordinary_frozen_tokens():
    tokens = tokenize("قتل 3,5 شخصا في حلب")
    assert tokens[0] == Token(0, 3, "قتل") and hash(tokens[0]) == hash(Token(0, 3, "قتل"))
    assert [t.text for t in tokens] == ["قتل", "3,5", "شخصا", "في", "حلب"]
    try:
        tokens[0].start = 5
    except AttributeError:
        pass
    else:
        raise AssertionError("Token must stay frozen")


def test_article_without_event_words_is_skipped_but_analyse_still_complete():
    from rasd.pipeline import analyse, extract_article
    article = Article("quiet-1", "افتتح وزير الثقافة معرضا للكتاب في مدينة حلب يوم الخميس بحضور 300 زائر.")
    assert extract_article(article) == [] and extract_article(article, models=False) == []
    an = analyse(article)
    assert not an.triggers and not an.casualties
    assert an.places and an.numbers and an.dates        # the other recognisers did run


def test_loaded_data_is_frozen_out_of_the_collector_without_changing_events():
    import gc

    from rasd import pipeline
    article = Article("gc-1", "قتل 3 أشخاص وأصيب 5 آخرون في قصف على مدينة حلب يوم الخميس.",
                      published=pipeline.parse_published("2018-03-02"))
    first = pipeline.extract_article(article, models=False, include_all=True)
    assert first                       # a whole article ran: every recogniser has loaded its data
    second = pipeline.extract_article(article, models=False, include_all=True)   # settles, then extracts
    assert pipeline._settled[False] and gc.get_freeze_count() > 0
    assert second == first
    assert pipeline.extract_article(article, models=False, include_all=True) == first


def test_warm_up_loads_the_lazy_data_and_settles_it(monkeypatch):
    from rasd import pipeline
    monkeypatch.setattr(pipeline, "_loaded_for", {True: False, False: False})
    monkeypatch.setattr(pipeline, "_settled", {True: False, False: False})
    pipeline.warm_up(models=False)
    assert pipeline._loaded_for[False] and pipeline._settled[False]
    assert not pipeline._settled[True]                  # the other configuration is left as it was


def test_settling_raises_only_cpythons_default_young_generation_threshold(monkeypatch):
    import gc

    from rasd import pipeline
    saved = gc.get_threshold()
    monkeypatch.setattr(pipeline, "_settled", {True: False, False: False})
    try:
        gc.set_threshold(700, 10, 10)
        pipeline._settle_loaded_data(False)
        assert gc.get_threshold() == (pipeline.YOUNG_THRESHOLD, 10, 10)
        gc.set_threshold(1234, 20, 30)          # an application's own setting stays
        pipeline._settle_loaded_data(True)
        assert gc.get_threshold() == (1234, 20, 30)
    finally:
        gc.set_threshold(*saved)


def test_readings_index_only_the_keys_a_phrase_can_start_with_and_follow_new_lexicons():
    from rasd.recognise.lexicon import _indexed_keys, index_keys
    text = "وبالقرطاسيه ذهب الكشكوليون الى سوق القرطاسيه وكشكوليون"
    norm = normalise(text)
    tokens = tokenize(norm.text)
    before = token_readings(tokens)
    # a lexicon loaded after the token list was indexed (lexicons load lazily, within the first article)
    late = PhraseLexicon([("القرطاسية", "shop"), ("سوق القرطاسية", "market")])
    assert [(text[m.start:m.end], m.payloads) for m in late.find(norm, tokens)] == \
        [("القرطاسيه", ("shop",)), ("سوق القرطاسيه", ("market",))] == \
        [(text[m.start:m.end], m.payloads) for m in _reference_find(late, norm)]
    assert token_readings(tokens) is not before
    # by_key holds exactly the indexed keys among every token's clitic readings, each with its full rank
    index_keys(["كشكوليون"])
    readings = token_readings(tokens)
    expected: dict[str, set[tuple[str, int, int]]] = {}
    for tok in tokens:
        for rank, (prefix_len, key) in enumerate(clitic_readings(tok.text)):
            if key in _indexed_keys:
                expected.setdefault(key, set()).add((tok.text, rank, prefix_len))
    assert {k: set(v) for k, v in readings.by_key.items()} == expected
    # positions: every place of each word with an indexed reading, in order
    words = {w for entries in expected.values() for w, _, _ in entries}
    assert readings.positions == {w: [i for i, t in enumerate(tokens) if t.text == w] for w in words}
    assert ("وكشكوليون", 1, 1) in expected["كشكوليون"]


def _reference_clitic_readings(word: str) -> tuple[tuple[int, str], ...]:
    """clitic_readings() as it was: every word through the proclitic loop."""
    seen: dict[str, int] = {}

    def add(prefix_len: int, stem: str) -> None:
        if len(stem) >= 2:
            key = strip_article(stem)
            if key not in seen:
                seen[key] = prefix_len

    add(0, word)
    for conj in ("", "و", "ف"):
        if conj and not word.startswith(conj):
            continue
        rest = word[len(conj):]
        if conj:
            add(len(conj), rest)
        if rest.startswith("لل") and len(rest) > 3:
            add(len(conj) + 1, "ال" + rest[2:])
        for prep in ("ب", "ل", "ك"):
            if rest.startswith(prep) and len(rest) > 2:
                add(len(conj) + 1, rest[1:])
    return tuple((p, k) for k, p in seen.items())


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(list("وفبلكالحسكهمدينت3a")), max_size=9))
def test_clitic_readings_fast_path_agrees(word):
    assert clitic_readings.__wrapped__(word) == _reference_clitic_readings(word)
    assert clitic_readings(word) == _reference_clitic_readings(word)
    for prefix in ("", "و", "ف", "ب", "ل", "لل", "ك", "وب", "فل", "ال", "وال"):
        assert clitic_readings(prefix + word) == _reference_clitic_readings(prefix + word)


def _reference_readings(lexicon, blocked, word):
    """The readings as the prefix loop made them (none for a digit or a blocked word)."""
    from rasd.recognise.numbers import Reading
    firsts, out = lexicon.by_first, []
    if word[:1].isdecimal() or word in blocked:
        return ()
    for prefix in ("",) + lexicon.prefixes:
        if prefix and (not word.startswith(prefix) or len(word) - len(prefix) < 2):
            continue
        stem = word[len(prefix):]
        if stem in firsts:
            out.append(Reading(len(prefix), False, stem))
        if stem.startswith("ال") and stem[2:] in firsts:
            out.append(Reading(len(prefix), True, stem[2:]))
        if prefix.endswith("ل") and stem.startswith("ل") and stem[1:] in firsts:
            out.append(Reading(len(prefix), True, stem[1:]))
    return tuple(out)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("وفبلكالثمنيةعشرونخسه3")), max_size=10))
def test_number_and_date_word_readers_agree_with_the_prefix_loop(word):
    """make_reader's readers skip the prefix loop for a word no prefix starts: same WordInfo."""
    from rasd.recognise.dates import date_lexicon
    from rasd.recognise.numbers import number_lexicon

    numbers, dates = number_lexicon(), date_lexicon()
    for w in (word, "و" + word, "ال" + word, "بال" + word, "لل" + word):
        for lex, blocked in ((numbers, numbers.not_numbers), (dates, frozenset())):
            info = lex.read(w)
            ref = _reference_readings(lex.words, blocked, w)
            assert info.readings == ref


@settings(max_examples=100, deadline=None)
@given(texts)
def test_joint_number_and_date_word_infos_equal_each_recognisers_own(text):
    from rasd.recognise.dates import date_lexicon
    from rasd.recognise.numbers import number_lexicon, token_infos
    tokens = tokenize(normalise(text + " ثلاثة آلاف و25 في الخامس من أيار 2018 بعد ثلاث سنوات").text)
    numbers, dates = token_infos(tokens)
    assert numbers == [number_lexicon().read(t.text) for t in tokens]
    assert dates == [date_lexicon().read(t.text) for t in tokens]
    assert token_infos(tokens)[0] is numbers                     # the same token list: reused
    assert token_infos(list(tokens))[1] is not dates             # another list: read again


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("\n\n!?؟….. ab3قتل،")), max_size=60))
def test_sentence_boundaries_as_the_alternation_found_them(text):
    import re

    from rasd.text.segment import _BOUNDARY
    alternation = re.compile(r"\n+|[!?؟…]+|\.+")
    assert [m.span() for m in _BOUNDARY.finditer(text)] == [m.span() for m in alternation.finditer(text)]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["وال" + w for w in WORDS] + ["بال" + w for w in WORDS]), max_size=30))
def test_phrase_index_entries_through_the_word_cache_equal_the_computed_ones(words):
    from rasd.recognise.lexicon import _entries_in, _entries_of
    from rasd.text.wordcache import WORD_RECORDS
    assert [_entries_in(WORD_RECORDS[w]) for w in words] == [_entries_of(w) for w in words]
    tokens = tokenize(fold(" ".join(words)))
    readings = token_readings(tokens)
    expected: dict[str, list[tuple[str, int, int]]] = {}
    for text in dict.fromkeys(t.text for t in tokens):
        for key, entry in _entries_of(text):
            expected.setdefault(key, []).append(entry)
    assert dict(readings.by_key) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("قتلفيحلب 3,5.٣_-\n،ـabc")), max_size=80))
def test_tokenize_by_mapping_over_the_matches_equals_the_loop_per_match(text):
    from rasd.text.tokens import TOKEN_RE
    expected = [Token(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]
    tokens = tokenize(text)
    assert tokens == expected
    assert all(type(t) is Token and hash(t) == hash(e) for t, e in zip(tokens, expected))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["ثلاثة", "آلاف", "أيار", "امس", "15", "السبت", "جنديين"]), max_size=12))
def test_joint_reader_shares_one_pair_for_words_neither_recogniser_reads(words):
    from rasd.recognise.dates import date_lexicon
    from rasd.recognise.numbers import NO_INFO, NO_INFOS, _joint_reader, number_lexicon
    from rasd.text.wordcache import WORD_RECORDS
    read, infos_in = _joint_reader()
    for word in (fold(w) for w in words):
        pair = read(word)
        assert infos_in(WORD_RECORDS[word]) == pair
        assert pair == (number_lexicon().read(word), date_lexicon().read(word))
        assert (pair is NO_INFOS) == (pair[0] is NO_INFO and pair[1] is NO_INFO)


def test_number_and_date_readers_skip_words_ending_as_no_first_word_without_losing_a_reading():
    """make_reader rejects a word whose last letters end no first word: every lexicon word, with clitics,
    the article, and its last letter changed or dropped, reads as the prefix loop reads it."""
    from rasd.recognise.dates import date_lexicon
    from rasd.recognise.numbers import number_lexicon
    numbers, dates = number_lexicon(), date_lexicon()
    for lex, blocked in ((numbers, numbers.not_numbers), (dates, frozenset())):
        read = lex.read.__wrapped__
        for first in lex.words.by_first:
            for stem in (first, first[:-1], first[:-1] + "ز", first + "ه", first + "ين"):
                for w in (stem, "و" + stem, "ال" + stem, "بال" + stem, "لل" + stem, "وب" + stem, "فال" + stem):
                    if w:
                        assert read(w).readings == _reference_readings(lex.words, blocked, w), w


def test_word_records_hold_each_readers_value_and_share_the_empty_one():
    from rasd.text.wordcache import WordRecords
    records = WordRecords(max_size=4)
    length = records.add_reader(len, 0)
    assert records["حلب"] == (3,)
    vowels = records.add_reader(lambda w: tuple(c for c in w if c in "اوي"), ())
    assert not records                                   # a new reader: the records made before are gone
    words = ["حلب", "دير", "", "قتل", "الزور", "في"]
    got = [records[w] for w in words]
    assert [r[length] for r in got] == [len(w) for w in words]
    assert [r[vowels] for r in got] == [tuple(c for c in w if c in "اوي") for w in words]
    assert records[""] is records.empties and len(records) <= 4


NUMBER_AND_DATE_WORDS = ["ثلاثة", "آلاف", "و25", "في", "الخامس", "من", "أيار", "2018", "بعد", "ثلاث", "سنوات", "قبل",
                         "يومين", "منذ", "عام", "2014", "مساء", "الخميس", "الأول", "نحو", "10", "قتلى", "على",
                         "الأقل", "أمس", "الجمعة", "جنديين", "عشرات", "15/3/2019", "12", "%", "الشهر", "الماضي",
                         "حلب", "قتل", "الثاني", "عشر", "مدنيين", "و3", "إلى", "بين", "و", "الاثنين", "أحد"]
number_and_date_texts = st.lists(st.tuples(st.sampled_from(NUMBER_AND_DATE_WORDS), st.sampled_from(GAPS)),
                                 max_size=25).map(lambda parts: "".join(w + g for w, g in parts))


@settings(max_examples=200, deadline=None)
@given(number_and_date_texts)
def test_number_and_date_scans_over_read_positions_equal_the_loop_over_every_token(text):
    """The scans start only at read_positions: the same numbers and dates as trying every token."""
    from datetime import date

    from rasd.recognise import dates as dates_module
    from rasd.recognise import numbers as numbers_module
    from rasd.recognise.numbers import NO_INFO, NumberScan, read_positions, token_infos

    norm = normalise(text)
    tokens = tokenize(norm.text)
    numbers, dates = token_infos(tokens)
    assert read_positions(tokens) == [i for i in range(len(tokens))
                                      if numbers[i] is not NO_INFO or dates[i] is not NO_INFO]

    def every_token(scan, start_at):
        out, resume, last = [], 0, scan.n - 1
        for i, info in enumerate(scan.infos):
            if i < resume or not (info.start or (info.start_seconds and i < last
                                                 and scan.toks[i + 1].text in info.start_seconds)):
                continue
            found = start_at(scan, i)
            if found is not None:
                out.append(found)
                resume = found[-1]
        return out

    def number_at(scan, i):
        span = scan.number_at(i)
        return None if span is None else (span, span.token_end)

    def date_at(scan, i):
        infos = scan.infos
        info = infos[i]
        if info.classes and info.classes <= dates_module.LEADING_CLASSES and (
                i == scan.n - 1 or not (infos[i + 1].start or "of_word" in infos[i + 1].classes)):
            return None
        try:
            found = scan.parse_at(i)
        except (OverflowError, ValueError):
            return None
        return None if found is None else found[:3] + (found[3],)

    assert [s for s, _ in every_token(NumberScan(norm, tokens), number_at)] == numbers_module.number_spans(norm, tokens)
    published = date(2018, 5, 20)
    assert [found[:3] for found in every_token(dates_module._DateScan(norm, tokens, published), date_at)] == \
        dates_module._DateScan(norm, tokens, published).scan()


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_quantity_number_span_and_date_ref_build_as_the_generated_frozen_init(data):
    """Their __init__ from slot_setting_init (slot setters) against dataclass's own, on the same fields."""
    import dataclasses
    from datetime import date

    from rasd.recognise.dates import DateRef
    from rasd.recognise.numbers import NumberSpan, Quantity

    values = {int: st.integers(-5, 10**9), bool: st.booleans(), str: st.sampled_from(["count", "year", "x"]),
              "date": st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 1, 1)))}
    for cls in (Quantity, NumberSpan, DateRef):
        fields = dataclasses.fields(cls)
        plain = dataclasses.make_dataclass("Plain" + cls.__name__,
                                           [(f.name, object, dataclasses.field(default=f.default)) if
                                            f.default is not dataclasses.MISSING else (f.name, object)
                                            for f in fields], frozen=True, slots=True)
        args = []
        for f in fields:
            kind = {"int": int, "bool": bool, "str": str, "Quantity": "quantity"}.get(f.type, "date")
            if kind == "quantity":
                args.append(Quantity(*data.draw(st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)))))
            elif f.name == "part_of_day":
                args.append(data.draw(st.one_of(st.none(), st.sampled_from(["night", "morning"]))))
            else:
                args.append(data.draw(values[kind]))
        given_positionally = data.draw(st.integers(0, len(fields)))
        required = sum(f.default is dataclasses.MISSING for f in fields)
        given_positionally = max(given_positionally, required)
        keywords = {f.name: a for f, a in zip(fields[given_positionally:], args[given_positionally:])
                    if data.draw(st.booleans())}
        made = cls(*args[:given_positionally], **keywords)
        expected = plain(*args[:given_positionally], **keywords)
        made_values = tuple(getattr(made, f.name) for f in fields)
        assert made_values == tuple(getattr(expected, f.name) for f in fields)
        assert made == cls(*made_values) and hash(made) == hash(made_values)
        assert repr(made) == repr(expected).replace("Plain" + cls.__name__, cls.__name__, 1)
        try:
            setattr(made, fields[0].name, args[0])
            raise AssertionError("a frozen dataclass accepted a field assignment")
        except dataclasses.FrozenInstanceError:
            pass


@settings(max_examples=100, deadline=None)
@given(number_and_date_texts)
def test_match_finds_nothing_for_a_class_the_token_lacks(text):
    """What the scans' guards (a class test before calling match) rely on: match's own first test."""
    from rasd.recognise.dates import _DateScan, date_lexicon
    from rasd.recognise.numbers import NumberScan, number_lexicon

    norm = normalise(text)
    tokens = tokenize(norm.text)
    numbers, dates = NumberScan(norm, tokens), _DateScan(norm, tokens, None)
    number_classes = {entry.cls for bucket in number_lexicon().words.by_first.values() for _, entry in bucket}
    date_classes = {entry.cls for bucket in date_lexicon().words.by_first.values() for _, entry in bucket}
    for j in range(len(tokens)):
        for cls in number_classes - numbers.infos[j].classes:
            for prefix in ("any", "none", "conj"):
                assert numbers.match(j, frozenset({cls}), prefix) is None
        for cls in date_classes - dates.infos[j].classes:
            assert dates.match(j, cls, prefix=True) is None and dates.match(j, cls, article=False) is None


# --- places: the name facts of find_places, the gazetteer's adjective spellings, the resolver's picks -----

PLACE_WORDS = ["سورية", "سوريا", "السورية", "قوات", "مطارات", "عدة", "موقعا", "عسكريا", "العراق", "عراقية",
               "الحديدة", "وراس", "رأس", "بني", "معين", "سويد", "#بني_سويد", "العاصمة", "للعاصمة", "الضفة",
               "الغربية", "لنهر", "الفرات", "زبيد", "والتحيتا", "بين", "مقر", "جبهة", "نهم", "محافظة", "حجة",
               "ناحية", "العظيم", "غربي", "قرية", "الطالعة", "وأم", "الكرامي", "من", "حمورية", "وحزة",
               "والنشابية", "دمشق", "في", "منطقة", "الحجر", "الأسود", "والعسالي", "جنوب", "خسائر", "بشرية"]


def _reference_indefinite_adjective_form(gazetteer, name: str) -> str | None:
    surface = fold(name.strip())
    for key in gazetteer._rules.country_adjectives:
        stem = key[:-1] if key.endswith("ه") else key
        if surface == stem + "ه":
            return "feminine"
        if surface == stem + "ا":
            return "masculine"
    return None


def _adjective_spellings() -> list[str]:
    from rasd.kb.gazetteer import load_gazetteer
    stems = {k[:-1] if k.endswith("ه") else k for k in load_gazetteer()._rules.country_adjectives}
    return [lead + stem + end + trail for stem in sorted(stems) for lead in ("", "ال", " ")
            for end in ("ه", "ة", "ا", "ى", "") for trail in ("", " ")]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(_adjective_spellings()), st.sampled_from(PLACE_WORDS),
                 st.text(alphabet=st.sampled_from(list("سوريةاهلعق ")), max_size=8)))
def test_indefinite_adjective_form_by_one_probe_equals_the_loop_over_the_adjectives(name):
    from rasd.kb.gazetteer import load_gazetteer
    gazetteer = load_gazetteer()
    assert gazetteer.indefinite_adjective_form(name) == _reference_indefinite_adjective_form(gazetteer, name)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PLACE_WORDS + WORDS), min_size=1, max_size=25),
       st.lists(st.sampled_from([" ", " ", " ", "، ", ". "]), min_size=25, max_size=25))
def test_name_facts_equal_the_checks_on_each_match_and_a_warm_cache_changes_no_mention(words, gaps):
    """Each fact ``find_places`` keeps for a name is what its check gives on that match; and the mentions found
    with the facts kept from before are those found with none kept."""
    from rasd.kb.gazetteer import load_gazetteer
    from rasd.recognise import places as P
    gazetteer = load_gazetteer()
    norm = normalise("".join(w + g for w, g in zip(words, gaps)))
    tokens = tokenize(norm.text)
    for m in gazetteer.lexicon().find(norm, tokens):
        name = norm.original[m.start:m.end]
        facts = P._name_facts(name, m.payloads, gazetteer, {})
        folded = fold(name)
        min_population = P._bare_place_rules()[0]
        assert facts.name_head == (folded in P._name_heads())
        assert facts.rejected == (folded in P._not_places() or gazetteer.is_country_adjective(name, m.payloads)
                                  or (folded.startswith("ل") and "ا" + folded in P._not_places()))
        one_word = m.token_end - m.token_start == 1
        assert (facts.indefinite_form and one_word and P.indefinite_adjective_at(norm.original, m.start, m.end,
                                                                                 gazetteer)) == \
            (one_word and any(p.level == "country" for p in m.payloads)
             and P.indefinite_adjective_at(norm.original, m.start, m.end, gazetteer))
        assert (facts.direction_tail and P._descriptive(norm, tokens, m)) == P._descriptive(norm, tokens, m)
        assert facts.big == any(p.population >= P._common_word_min_population()
                                and p.country_code in P.focus_countries() for p in m.payloads)
        assert facts.front_unit == any(p.country_code in P.focus_countries()
                                       and p.level in ("admin2", "admin3", "populated") for p in m.payloads)
        assert facts.ambiguous == gazetteer.is_ambiguous_common_word(name)
        assert facts.short == (len(folded) <= 3)
        assert facts.common_folded == P._is_common_surface_word(folded)
        assert facts.bare_big == any(p.population >= min_population or p.level in ("country", "admin1")
                                     for p in m.payloads)
        for covered in (set(), set(range(len(tokens)))):
            assert (facts.sized or P._corroborated(norm, tokens, m, covered, by_size=False)) == \
                P._corroborated(norm, tokens, m, covered)
    warm = P.find_places(norm, tokens, gazetteer)
    P._NAME_FACTS[:] = [None, {}]
    assert P.find_places(norm, tokens, gazetteer) == warm


def test_places_picked_again_from_the_context_equal_those_picked_afresh():
    from rasd.kb.gazetteer import load_gazetteer
    from rasd.pipeline import analyse
    from rasd.resolve.geocode import _pick, _pick_place, article_context, resolve_mentions
    gazetteer = load_gazetteer()
    texts = ["قصف على مدينة حلب وريف إدلب. قتلى في حلب ودمشق وفي الحديدة",
             "اشتباكات بين زبيد والتحيتا في محافظة الحديدة، وغارات على صعدة ومأرب",
             "مقتل ثلاثة في قرية الطالعة غربي ناحية العظيم بمحافظة ديالى، وتفجير في بغداد"]
    for text in texts:
        an = analyse(Article("t", text))
        ctx = article_context(an)
        for m in an.places:
            if m.value.known:
                first = _pick(gazetteer, m.value, ctx)
                assert _pick(gazetteer, m.value, ctx) is first
                assert first == _pick_place(gazetteer, m.value, article_context(an))
        for _ in range(2):
            assert [resolve_mentions(gazetteer, [m], ctx) for m in an.places] == \
                [resolve_mentions(gazetteer, [m], article_context(an)) for m in an.places]
            assert resolve_mentions(gazetteer, an.places, ctx) == resolve_mentions(gazetteer, an.places,
                                                                                  article_context(an))


# --- numbers and dates read in some token ranges only (the pipeline's clauses that read them) -------------

def test_positions_within_widen_each_range_to_the_left_once():
    from rasd.recognise.numbers import SCAN_LOOKBACK_TOKENS as K, in_ranges, positions_within
    positions = list(range(0, 200, 3))
    got = positions_within(positions, [(40, 50), (52, 60), (150, 151)])
    assert got == [p for p in positions if 40 - K <= p < 60 or 150 - K <= p < 151]
    assert got == sorted(set(got))
    assert positions_within(positions, []) == []
    assert [i for i in range(70) if in_ranges(i, [(3, 5), (10, 11)])] == [3, 4, 10]


@settings(max_examples=150, deadline=None)
@given(number_and_date_texts, st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), max_size=4))
def test_numbers_and_dates_within_ranges_are_the_whole_scans_in_them(text, cuts):
    from datetime import date as day

    from rasd.recognise.dates import find_dates
    from rasd.recognise.numbers import find_numbers, in_ranges
    norm = normalise(text)
    tokens = tokenize(norm.text)
    within: list[tuple[int, int]] = []
    for first, length in sorted(cuts):                  # sorted ranges, apart
        if not within or first > within[-1][1]:
            within.append((first, min(first + length, len(tokens))))
    within = [(a, b) for a, b in within if a < b]

    def token_of(offset: int) -> int:
        return max(i for i, t in enumerate(tokens) if norm.to_original[t.start] <= offset)

    published = day(2018, 5, 10)
    whole_numbers = [m for m in find_numbers(norm, tokens) if in_ranges(token_of(m.start), within)]
    whole_dates = [m for m in find_dates(norm, published, tokens) if in_ranges(token_of(m.start), within)]
    assert find_numbers(norm, tokens, within) == whole_numbers
    assert find_dates(norm, published, tokens, within) == whole_dates


def test_slot_setting_init_refuses_what_it_would_skip():
    import dataclasses

    import pytest

    from rasd.slots import slot_setting_init

    @dataclasses.dataclass(frozen=True, slots=True, init=False)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            raise AssertionError

    @dataclasses.dataclass(frozen=True, slots=True, init=False)
    class Listed:
        items: list = dataclasses.field(default_factory=list)

    for cls in (Checked, Listed):
        with pytest.raises(TypeError):
            slot_setting_init(cls)


def test_phrase_matches_built_by_slot_setters_are_ordinary_frozen_matches():
    import dataclasses

    import pytest
    m = PhraseMatch(3, 9, 1, 3, ("حلب",))
    assert (m.start, m.end, m.token_start, m.token_end, m.payloads) == (3, 9, 1, 3, ("حلب",))
    assert m == PhraseMatch(start=3, end=9, token_start=1, token_end=3, payloads=("حلب",)) and hash(m)
    assert dataclasses.astuple(m) == (3, 9, 1, 3, ("حلب",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.start = 4       # type: ignore[misc]
    with pytest.raises(TypeError):
        PhraseMatch(3, 9, 1)        # type: ignore[call-arg]

