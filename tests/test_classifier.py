"""The event-sentence classifier: the shipped model, its file format, its features and its labels."""
from __future__ import annotations

import gzip
import json
import unicodedata
from pathlib import Path

import pytest

from rasd.events.classifier import (MODEL_FORMAT, EventSentenceClassifier, ModelFormatError, load_classifier,
                                    sentence_features, shipped_model_path)
from rasd.model import EVENT_TYPES

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "eval/dev/labels/news_sentences.tsv"

# Made-up sentences in the style of the news (not taken from any corpus).
EVENTS = {
    "اندلعت اشتباكات عنيفة بين القوات الحكومية ومسلحي المعارضة في ريف حماة أمس أسفرت عن مقتل 10 مقاتلين":
        "Battles",
    "شنت طائرات التحالف غارات جوية على مواقع الحوثيين في محافظة صعدة اليوم، ما أسفر عن مقتل 12 مسلحا":
        "Explosions/Remote violence",
    "تظاهر آلاف المحتجين في مدينة البصرة يوم الجمعة للمطالبة بتحسين الخدمات وتوفير الكهرباء": "Protests",
}
NOT_EVENTS = [
    "سجل المهاجم الفرنسي هدفين في المباراة التي انتهت بفوز فريقه على ضيفه",
    "دعا الأمين العام للأمم المتحدة جميع الأطراف إلى وقف إطلاق النار والعودة إلى طاولة المفاوضات",
    "وارتفعت أسعار النفط في الأسواق العالمية بعد قرار منظمة أوبك خفض الإنتاج",
]


@pytest.fixture(scope="module")
def clf() -> EventSentenceClassifier:
    model = load_classifier()
    assert model is not None, f"no shipped model at {shipped_model_path()}: run `rasd train events`"
    return model


def test_shipped_model_is_small_and_cached(clf):
    assert shipped_model_path().stat().st_size < 20 * 1024 * 1024
    assert load_classifier() is clf
    assert 0.0 < clf.threshold < 1.0
    assert set(clf.types) <= set(EVENT_TYPES)


def test_event_sentences_score_above_the_threshold(clf):
    scores = clf.score(list(EVENTS))
    assert all(s >= clf.threshold for s in scores), scores


def test_background_sentences_score_below_every_event(clf):
    events = clf.score(list(EVENTS))
    others = clf.score(NOT_EVENTS)
    assert max(others) < min(events), (others, events)
    assert all(s < clf.threshold for s in others), others


def test_event_type_of_clear_sentences(clf):
    assert clf.event_type(list(EVENTS)) == list(EVENTS.values())
    assert clf.event_type(NOT_EVENTS) == [None] * len(NOT_EVENTS)


def test_type_probabilities_sum_to_one(clf):
    for probs in clf.type_probabilities(list(EVENTS) + NOT_EVENTS):
        assert set(probs) == set(clf.types)
        assert abs(sum(probs.values()) - 1.0) < 1e-9


def test_scores_are_probabilities_and_empty_input_is_fine(clf):
    scores = clf.score(["", "   ", "؟", "x" * 5000] + NOT_EVENTS)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert clf.score([]) == []
    assert clf.event_type([]) == []


def test_features_fold_spelling_and_read_recogniser_signals():
    a = sentence_features("قُتِلَ 3 أشخاص في غارة جوية")
    b = sentence_features("قتل ٣ اشخاص في غاره جويه")
    assert a == b                                  # diacritics, alef, teh marbuta, digits folded
    assert "s:digit" in a
    assert any(f.startswith("k:") for f in a)      # a trigger kind from rasd's lexicon
    assert "s:question" in sentence_features("هل قتل أحد في الغارة؟")


def _model_dict(**over) -> dict:
    raw = {"format": MODEL_FORMAT, "features": ["w:قتل", "w:مباراه"], "event_weights": [4.0, -4.0],
           "event_bias": 0.0, "types": ["Battles", "Protests"], "type_weights": [[1.0, -1.0], [0.0, 0.0]],
           "type_bias": [0.0, 0.0], "threshold": 0.5}
    raw.update(over)
    return raw


def test_tiny_model_from_dict_scores_by_its_weights():
    clf = EventSentenceClassifier.from_dict(_model_dict())
    kill, match = clf.score(["قتل", "مباراة"])
    assert kill > 0.5 > match
    assert clf.event_type(["قتل", "مباراة"]) == ["Battles", None]


@pytest.mark.parametrize("over", [{"format": "other/9"}, {"event_weights": [1.0]},
                                  {"type_weights": [[1.0], [0.0]]}, {"event_bias": "x"}])
def test_malformed_models_raise_a_clear_error(over):
    with pytest.raises(ModelFormatError):
        EventSentenceClassifier.from_dict(_model_dict(**over))


def test_unreadable_model_file_raises_a_clear_error(tmp_path):
    bad = tmp_path / "events.json.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(ModelFormatError, match="rasd train events"):
        EventSentenceClassifier.from_file(bad)
    good = tmp_path / "ok.json.gz"
    with gzip.open(good, "wt", encoding="utf-8") as fh:
        json.dump(_model_dict(), fh)
    assert EventSentenceClassifier.from_file(good).types == ("Battles", "Protests")


def test_shipped_model_card_records_seed_data_and_sha256():
    import hashlib
    card = json.loads((shipped_model_path().parent / "events.card.json").read_text(encoding="utf-8"))
    assert card["seed"] == 0
    assert {d["file"] for d in card["data"]} >= {"eval/dev/labels/news_sentences.tsv", "eval/dev/gold"}
    assert card["model_sha256"] == hashlib.sha256(shipped_model_path().read_bytes()).hexdigest()


# --- the hand labels: ids and offsets only ------------------------------------------------------------

def _label_rows() -> list[list[str]]:
    lines = LABELS.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# rasd event-sentence labels")
    body = [ln for ln in lines if ln and not ln.startswith("#")]
    assert body[0] == "article_id\tstart\tend\tasserts_event\tevent_type"
    return [ln.split("\t") for ln in body[1:]]


def test_labels_are_well_formed_and_hold_no_text():
    rows = _label_rows()
    assert len(rows) >= 300
    seen = set()
    for aid, start, end, y, etype in rows:
        assert unicodedata.is_normalized("NFC", aid) and aid.isascii()   # ids, never Arabic text
        assert 0 <= int(start) < int(end)
        assert y in ("0", "1")
        assert (etype in EVENT_TYPES) if y == "1" else etype == ""
        assert (aid, start, end) not in seen
        seen.add((aid, start, end))
    assert 0.1 < sum(r[3] == "1" for r in rows) / len(rows) < 0.9


def test_labels_never_touch_the_dev_gold():
    gold = {p.stem for p in (REPO / "eval/dev/gold").glob("*.json")}
    assert not gold & {r[0] for r in _label_rows()}


# --- the trainer's pieces (fast: synthetic data, no shared corpora) -----------------------------------

def test_trainer_holds_out_the_dev_test_rule():
    import hashlib
    from rasd.train.events import is_test_article
    for aid in ("AL-internationalNews-103-20180219", "SNN-1", "x"):
        expected = int(hashlib.sha1(aid.encode()).hexdigest(), 16) % 3 == 0
        assert is_test_article(aid) == expected


def test_fit_model_learns_a_separable_toy_set():
    pytest.importorskip("scipy")
    from rasd.train.events import LabelledSentence, fit_model
    events = ["قتل ثلاثة جنود في اشتباك مع مسلحين", "قتل مدنيان في غارة جوية على القرية",
              "تظاهر المئات أمام مبنى المحافظة", "قتل شرطي في اشتباك مسلح"]
    others = ["فاز الفريق في المباراة النهائية", "ارتفعت أسعار الذهب في الأسواق",
              "افتتح الوزير معرض الكتاب", "فاز المنتخب في المباراة الودية"]
    types = ["Battles", "Explosions/Remote violence", "Protests", "Battles"]
    data = [LabelledSentence(f"a{i}", 0, len(t), t, True, ty, "toy") for i, (t, ty) in enumerate(zip(events, types))]
    data += [LabelledSentence(f"b{i}", 0, len(t), t, False, None, "toy") for i, t in enumerate(others)]
    model = fit_model(data, [sentence_features(s.text) for s in data], l2=1e-3)
    clf = EventSentenceClassifier.from_dict(model)
    assert min(clf.score(events)) > max(clf.score(others))
    assert clf.types == ("Battles", "Explosions/Remote violence", "Protests")
