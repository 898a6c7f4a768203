from hypothesis import given, strategies as st

from rasd.recognise.lexicon import PhraseLexicon
from rasd.text.normalise import normalise
from rasd.text.segment import split_sentences
from rasd.text.tokens import clitic_readings


def test_folds_alef_yeh_teh_diacritics_tatweel_digits():
    n = normalise("إدلـــب مُدِينَة ديالى ٣٥")
    assert n.text == "ادلب مدينه ديالي 35"


def test_presentation_forms_fold_and_map_back():
    text = "\ufedf\ufe8e ﻻ"  # presentation forms
    n = normalise(text)
    assert "لا" in n.text
    s, e = n.span_to_original(0, len(n.text))
    assert (s, e) == (0, len(text))


@given(st.text(alphabet=st.sampled_from(list("اأإآبتةثىيـًٌٍَُِّْ \u200f\u200b٣3.\nﻻ")), max_size=60))
def test_offset_map_is_monotonic_and_in_range(text):
    n = normalise(text)
    assert len(n.to_original) == len(n.text)
    assert list(n.to_original) == sorted(n.to_original)
    assert all(0 <= i < len(text) for i in n.to_original)
    for i in range(len(n.text)):
        s, e = n.span_to_original(i, i + 1)
        assert 0 <= s < e <= len(text)


def test_clitic_readings():
    keys = {k for _, k in clitic_readings("وبالحسكه")}
    assert "حسكه" in keys
    assert {k for _, k in clitic_readings("للجيش")} >= {"جيش"}


def test_sentences_keep_offsets_and_decimals():
    text = "قتل 3.5 شخص.وشهدت المدينة هجوما\nثم انتهى"
    sents = split_sentences(text)
    assert [text[s.start:s.end] for s in sents] == ["قتل 3.5 شخص.", "وشهدت المدينة هجوما", "ثم انتهى"]


def test_phrase_lexicon_clitics_and_spacing_variants():
    lx = PhraseLexicon([("الحسكة", "HSK"), ("البو كمال", "BK"), ("ريف إدلب", "RIDLIB"), ("إدلب", "IDLIB")])
    text = "وبالحسكة وفي البوكمال غارات على ريف إدلب"
    got = [(text[m.start:m.end], m.payloads[0]) for m in lx.find(normalise(text))]
    assert got == [("الحسكة", "HSK"), ("البوكمال", "BK"), ("ريف إدلب", "RIDLIB")]
