"""The NER tagger: conlleval scoring, corpus readers, the shipped model's data files and predictions."""
from __future__ import annotations

import json
import unicodedata
from importlib import resources
from pathlib import Path

import pytest

from rasd.evaluate.ner import score_sequences
from rasd.recognise.ner import (GAZETTEER_FILE, MODEL_CARD, NerModelError, NerTagger, bio_spans,
                                default_model_path, load_tagger)
from rasd.text.normalise import DIACRITICS, fold
from rasd.train.corpora import TaggedSentence, exclude_text_of, repair_bio

SHARED_NER = Path(__file__).resolve().parents[2] / "shared/data/ner"


# --- conlleval semantics -------------------------------------------------------------------------

def test_bio_spans_read_like_conlleval():
    labels = ["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC", "I-ORG", "B-ORG"]
    assert [(s.start, s.end, s.type) for s in bio_spans(labels)] == [
        (0, 2, "PER"), (3, 5, "LOC"), (5, 6, "LOC"), (6, 7, "ORG"), (7, 8, "ORG")]


def test_exact_span_and_type_needed():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    pred = [["B-PER", "O", "O", "B-LOC"], ["B-LOC", "O"]]
    scores = score_sequences(gold, pred)
    assert (scores.overall.gold, scores.overall.predicted, scores.overall.correct) == (3, 3, 1)
    assert scores.by_type("LOC").precision == 0.5 and scores.by_type("LOC").recall == 1.0
    assert scores.by_type("PER").f1 == 0.0
    assert scores.by_type("ORG").gold == 1 and scores.by_type("ORG").predicted == 0
    assert scores.overall.f1 == pytest.approx(1 / 3)
    assert scores.token_accuracy == pytest.approx(4 / 6)


def test_perfect_and_empty():
    gold = [["B-MISC", "I-MISC", "O"]]
    assert score_sequences(gold, gold).overall.f1 == 1.0
    empty = score_sequences([["O", "O"]], [["O", "O"]])
    assert empty.overall.f1 == 0.0 and empty.per_type == ()


def test_mismatched_lengths_are_clear_errors():
    with pytest.raises(ValueError, match="predicted"):
        score_sequences([["O"]], [["O", "O"]])
    with pytest.raises(ValueError, match="gold sentences"):
        score_sequences([["O"]], [])


def test_repair_bio_opens_dangling_inside():
    assert repair_bio(["O", "I-LOC", "I-LOC", "I-PER", "B-ORG", "I-ORG"]) == (
        "O", "B-LOC", "I-LOC", "B-PER", "B-ORG", "I-ORG")


def test_held_out_text_is_excluded_across_tokenisations():
    held_out = [["وقال", "رئيس", "الاتحاد", "برند", "جوتشولك", "عند", "إعلان", "آخر", "تقرير", "سنوي"]]
    same_text_split = TaggedSentence(("و", "قال", "رئيس", "الاتحاد", "برند", "جوتشولك", "عند", "اعلان",
                                      "اخر", "تقرير", "سنوي"), ("O",) * 11)
    other = TaggedSentence(("اعلنت", "نوكيا", "الفنلندية", "زيادة", "ارباحها", "بنسبة", "كبيرة"), ("O",) * 7)
    kept, dropped = exclude_text_of([same_text_split, other], held_out)
    assert dropped == 1 and kept == [other]


# --- the shipped model and its data files -----------------------------------------------------------

def _data_lines(name: str) -> list[str]:
    text = resources.files("rasd.models").joinpath(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize("name", [GAZETTEER_FILE, "ner.clusters.tsv"])
def test_data_files_are_clean(name):
    text = resources.files("rasd.models").joinpath(name).read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("version" in h for h in header) and any("licence" in h for h in header)
    words = [line.split("\t")[0] for line in _data_lines(name)]
    assert words
    for word in words:
        assert unicodedata.normalize("NFC", word) == word, word
        # no presentation-form letters (the ornate parentheses ﴾﴿ live in that block but are punctuation)
        assert not any((0xFB50 <= ord(c) <= 0xFDFF or 0xFE70 <= ord(c) <= 0xFEFE)
                       and unicodedata.category(c).startswith("L") for c in word), word
        assert "\u0640" not in word and not (set(word) & DIACRITICS), word
        assert fold(word) == word or word.startswith("0"), word
    assert len(set(words)) == len(words)


def test_clusters_derive_from_no_non_commercial_corpus():
    # rasd is Apache-2.0: the clusters are rebuilt from ANT and the NER corpora; SaudiNewsNet
    # (CC BY-NC-SA 4.0) must not be a source again
    header = " ".join(line for line in resources.files("rasd.models").joinpath("ner.clusters.tsv")
                      .read_text(encoding="utf-8").splitlines() if line.startswith("#"))
    assert "SaudiNewsNet" not in header and "NC" not in header
    card = json.loads(default_model_path().with_name(MODEL_CARD).read_text(encoding="utf-8"))
    assert "SaudiNewsNet" not in json.dumps(card)


def test_document_consistency_repeats_multi_word_names():
    from rasd.recognise.ner import propagate_within_document
    sentences = [["قالت", "الأمم", "المتحدة", "إن"], ["وأكد", "مسؤول", "في", "والأمم", "المتحدة", "ذلك"]]
    labels = [["O", "B-ORG", "I-ORG", "O"], ["O"] * 6]
    assert propagate_within_document(sentences, labels)[1] == ["O", "O", "O", "B-ORG", "I-ORG", "O"]


def test_model_card_records_seed_and_data_hashes():
    card = json.loads(default_model_path().with_name(MODEL_CARD).read_text(encoding="utf-8"))
    assert isinstance(card["seed"], int)
    assert {d["file"] for d in card["data"]} >= {"anercorp/ANERCorp.txt", "anercorp/ANERCorp_CamelLab_test.txt"}
    assert all(len(d["sha256"]) == 64 for d in card["data"])
    assert default_model_path().stat().st_size <= 50 * 1024 * 1024


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(NerModelError, match="not found"):
        NerTagger(tmp_path / "ner.bin")
    bad = tmp_path / "ner.bin"
    bad.write_bytes(b"not a model")
    with pytest.raises(NerModelError, match="cannot read"):
        NerTagger(bad)


# (sentence, expected (type, entity text) pairs that must be found)
NEWS_SENTENCES = [
    ("قال الرئيس الأمريكي دونالد ترامب في واشنطن إن العقوبات ستستمر",
     [("PER", "دونالد ترامب"), ("LOC", "واشنطن")]),
    ("وصل وزير الخارجية الروسي سيرغي لافروف إلى دمشق أمس",
     [("PER", "سيرغي لافروف"), ("LOC", "دمشق")]),
    # ديالى is missed: ANERcorp (2003-era news) hardly names Iraqi provinces; the gazetteer stage finds it
    ("أعلنت وزارة الدفاع العراقية مقتل خمسة عناصر من تنظيم داعش في محافظة ديالى",
     [("ORG", "تنظيم داعش")]),
    ("التقى الرئيس الفرنسي إيمانويل ماكرون المستشارة الألمانية أنجيلا ميركل في باريس",
     [("PER", "إيمانويل ماكرون"), ("PER", "أنجيلا ميركل"), ("LOC", "باريس")]),
    ("قالت وكالة رويترز إن انفجارا وقع في بغداد صباح اليوم",
     [("LOC", "بغداد")]),
    ("وأكد الأمين العام للأمم المتحدة أنطونيو غوتيريش ضرورة وقف إطلاق النار في اليمن",
     [("PER", "أنطونيو غوتيريش"), ("LOC", "اليمن")]),
    ("نقلت وكالة الأنباء السعودية عن ولي العهد الأمير محمد بن سلمان قوله",
     [("PER", "محمد بن سلمان")]),
    ("شنت طائرات التحالف غارات على مواقع الحوثيين في صنعاء والحديدة",
     [("LOC", "صنعاء")]),
    ("وصرح رئيس الوزراء الإسرائيلي بنيامين نتنياهو بأن إسرائيل لن تسمح بذلك",
     [("PER", "بنيامين نتنياهو"), ("LOC", "إسرائيل")]),
    ("اجتمع مجلس الأمن الدولي في نيويورك لبحث الأزمة السورية",
     [("ORG", "مجلس الأمن الدولي"), ("LOC", "نيويورك")]),
]


@pytest.fixture(scope="module")
def tagger() -> NerTagger:
    return load_tagger()


def test_load_tagger_is_cached(tagger):
    assert load_tagger() is tagger


@pytest.mark.parametrize("sentence,expected", NEWS_SENTENCES)
def test_entities_in_news_sentences(tagger, sentence, expected):
    found = {(m.value, m.text) for m in tagger.entities(sentence)}
    for entity in expected:
        assert entity in found, (entity, found)


def test_offsets_point_into_the_original_text(tagger):
    text = "وقال الرئيسُ الأمريكيُّ دونالد ترامـــب، في واشنطن:  إن «والعراق» بخير.\nوفي بغداد"
    mentions = tagger.entities(text)
    assert mentions
    for m in mentions:
        assert text[m.start:m.end] == m.text and m.label == "NER"
        assert m.value in {"PER", "LOC", "ORG", "GPE", "MISC"}
    texts = {m.text for m in mentions}
    assert "العراق" in texts            # the proclitic و is left out of the span
    assert any(t.startswith("دونالد") for t in texts)


def test_clitics_and_punctuation_runs(tagger):
    mentions = tagger.entities("زار كاليفورنيا ثم عاد إلى والعراق ------ وقال")
    texts = {m.text for m in mentions}
    assert "كاليفورنيا" in texts        # ك + الـ? no: the rest is not a known word, the span stays whole
    assert "العراق" in texts
    assert not any(set(t) <= set("-") for t in texts)


def test_tag_tokens_gives_one_label_per_token(tagger):
    tokens = ["وقال", "دونالد", "ترامب", "في", "واشنطن", "."]
    labels = tagger.tag_tokens(tokens)
    assert len(labels) == len(tokens)
    assert labels[1] == "B-PER" and labels[4] == "B-LOC"
    assert tagger.tag_tokens([]) == []


def test_bad_input_gives_no_traceback(tagger):
    for text in ["", "   ", "...", "١٢٣", "\u200f\u200e", "ﻻ ﻻ", "abc DEF", "ـــ"]:
        for m in tagger.entities(text):
            assert text[m.start:m.end] == m.text


@pytest.mark.skipif(not (SHARED_NER / "anercorp/ANERCorp.txt").is_file(), reason="needs ../shared")
def test_camel_test_split_is_cut_off_exactly():
    from rasd.train.corpora import split_anercorp
    split = split_anercorp(SHARED_NER / "anercorp/ANERCorp.txt",
                           SHARED_NER / "anercorp/ANERCorp_CamelLab_test.txt")
    assert split.test_tokens == 25008
    # 150,282 lines; 191 carry no token (5 empty, 186 a lone right-to-left mark) and are skipped
    assert split.train_tokens + split.test_tokens == 150282 - 191
    assert split.aligned_tokens >= 0.95 * split.test_tokens
