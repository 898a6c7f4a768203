"""The reference article: both events, nothing else, exact fatalities, breakdown and dates."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rasd.evaluate.events import load_gold, score
from rasd.io.readers import read_articles
from rasd.pipeline import extract_article

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "diyala-ghwayran-2022-01-21.article.jsonl"
GOLD_DIR = ROOT / "examples"
SHARED_SCORER = ROOT.parent / "shared" / "eval" / "score.py"


@pytest.fixture(scope="module")
def records():
    (article,) = list(read_articles(EXAMPLE))
    return [e.to_record() for e in extract_article(article)]


def _gold_dir(tmp_path):
    d = tmp_path / "gold"
    d.mkdir()
    (d / "g.json").write_text((GOLD_DIR / "diyala-ghwayran-2022-01-21.gold.json").read_text(encoding="utf-8"),
                              encoding="utf-8")
    return d


def test_example_scores_perfectly(records, tmp_path):
    s = score(load_gold(_gold_dir(tmp_path)), records)
    assert (s.tp, s.fp, s.fn) == (2, 0, 0)
    assert s.field_accuracy["fatalities"] == (1.0, 2)
    assert s.field_accuracy["date_exact"] == (1.0, 2)
    assert s.field_accuracy["breakdown"] == (1.0, 2)


def test_example_fields(records):
    by_admin1 = {r["admin1"]: r for r in records}
    diyala, hasakah = by_admin1["Diyala"], by_admin1["Al Hasakah"]
    assert diyala["event_date"] == "2022-01-21" and diyala["fatalities"] == 11
    assert diyala["country_code"] == "IQ" and diyala["actor1"] == "Islamic State"
    assert "Iraq" in diyala["actor2"]
    assert diyala["attribution"]["ar"] == "وكالة الأنباء العراقية"
    assert hasakah["event_date"] == "2022-01-20" and hasakah["fatalities"] == 41
    assert (hasakah["deaths_a"], hasakah["deaths_b"], hasakah["deaths_civilians"]) == (16, 20, 5)
    assert hasakah["country_code"] == "SY"
    assert "المرصد السوري" in hasakah["attribution"]["ar"]


def test_evidence_offsets_slice_the_text(records):
    text = json.loads(EXAMPLE.read_text(encoding="utf-8"))["text"]
    for r in records:
        for ev in r["evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["text"]


def test_event_ids_are_stable(records):
    (article,) = list(read_articles(EXAMPLE))
    again = [e.to_record()["event_id"] for e in extract_article(article)]
    assert again == [r["event_id"] for r in records]


@pytest.mark.skipif(not SHARED_SCORER.exists(), reason="needs ../shared/eval/score.py")
def test_shared_scorer_agrees(records, tmp_path):
    pred = tmp_path / "pred.jsonl"
    pred.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    out = subprocess.run([sys.executable, str(SHARED_SCORER), "--gold", str(_gold_dir(tmp_path)), "--pred",
                          str(pred), "--json"], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert (result["precision"], result["recall"]) == (1.0, 1.0)
    assert result["field_accuracy"]["fatalities"][0] == 1.0
    assert result["field_accuracy"]["date_exact"][0] == 1.0
