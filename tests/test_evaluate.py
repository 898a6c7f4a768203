"""rasd's scorer (rasd/evaluate/events.py) against the scorer of the hidden test set (../shared/eval/score.py):
the same predictions must give the same figures."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rasd.evaluate.events import evaluate, load_gold, score

ROOT = Path(__file__).resolve().parents[1]
SHARED_SCORER = ROOT.parent / "shared" / "eval" / "score.py"
NEWS = ROOT.parent / "shared" / "data" / "news"

GOLD = {"id": "a1", "published": "2020-01-02", "events": [
    {"key": "k1", "required": True, "event_type": "Battles", "sub_event_type": "Armed clash",
     "accept_types": ["Battles"], "date": "2020-01-01", "date_tolerance_days": 1, "country": "IQ",
     "latitude": 33.0, "longitude": 44.0, "radius_km": 15, "actor1": "Islamic State",
     "actor2": "Military Forces of Iraq", "fatalities": 3, "evidence": [[0, 5]]},
    {"key": "k2", "required": False, "event_type": "Protests", "sub_event_type": "Peaceful protest",
     "date": "2020-01-02", "country": "IQ", "latitude": 30.5, "longitude": 47.8, "radius_km": 15,
     "fatalities": None, "evidence": [[6, 9]]}]}


def _pred(**kw):
    base = {"article_ids": ["a1"], "event_type": "Battles", "sub_event_type": "Armed clash",
            "event_date": "2020-01-01", "latitude": 33.05, "longitude": 44.02, "fatalities": 3,
            "actor1": "Islamic State", "actor2": "Military Forces of Iraq", "country_code": "IQ"}
    base.update(kw)
    return base


def test_matching_rules_on_hand_made_cases():
    golds = {"a1": GOLD}
    assert score(golds, [_pred()]).tp == 1
    assert score(golds, [_pred(event_type="Riots")]).fp == 1                # type outside accept_types
    assert score(golds, [_pred(event_date="2019-12-29")]).fn == 1           # outside the date tolerance
    assert score(golds, [_pred(latitude=34.0)]).fn == 1                     # outside the radius
    s = score(golds, [_pred(), _pred(event_type="Protests", latitude=30.5, longitude=47.8, event_date="2020-01-02")])
    assert (s.tp, s.fp, s.fn) == (1, 0, 0)                                  # optional gold: neither reward nor penalty
    assert score(golds, [_pred(fatalities=4)]).field_accuracy["fatalities"] == (0.0, 1)


@pytest.mark.skipif(not SHARED_SCORER.exists(), reason="needs ../shared/eval/score.py")
def test_same_figures_as_shared_scorer_on_hand_made_cases(tmp_path):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "a1.json").write_text(json.dumps(GOLD), encoding="utf-8")
    preds = [_pred(), _pred(event_type="Riots"), _pred(fatalities=5, latitude=33.1)]
    pred_file = tmp_path / "p.jsonl"
    pred_file.write_text("\n".join(json.dumps(p) for p in preds), encoding="utf-8")
    theirs = json.loads(subprocess.run([sys.executable, str(SHARED_SCORER), "--gold", str(gold_dir), "--pred",
                                        str(pred_file), "--json"], capture_output=True, text=True,
                                       check=True).stdout)
    ours = score(load_gold(gold_dir), preds).summary()
    for k in ("tp", "fp", "fn", "precision", "recall", "f1"):
        assert ours[k] == theirs[k], k
    for k, (v, n) in theirs["field_accuracy"].items():
        assert ours["field_accuracy"][k] == [v, n], k


@pytest.mark.skipif(not (SHARED_SCORER.exists() and NEWS.is_dir()), reason="needs ../shared")
def test_same_figures_as_shared_scorer_on_the_dev_set(tmp_path):
    articles = tmp_path / "articles.jsonl"
    subprocess.run([sys.executable, str(ROOT / "eval" / "dev" / "build_articles.py"), "--out", str(articles),
                    "--news-dir", str(NEWS)], check=True, capture_output=True)
    ours, preds = evaluate(ROOT / "eval" / "dev" / "gold", articles)
    pred_file = tmp_path / "p.jsonl"
    pred_file.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in preds), encoding="utf-8")
    theirs = json.loads(subprocess.run([sys.executable, str(SHARED_SCORER), "--gold",
                                        str(ROOT / "eval" / "dev" / "gold"), "--pred", str(pred_file), "--json"],
                                       capture_output=True, text=True, check=True).stdout)
    for k in ("tp", "fp", "fn", "precision", "recall", "f1", "negative_articles_with_false_events"):
        assert getattr(ours, k) == theirs[k], k
