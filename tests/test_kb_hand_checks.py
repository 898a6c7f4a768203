"""The hand-check files behind docs/kb.md are well-formed: known judgement values, sane offsets, no text."""
import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KB = ROOT / "eval" / "kb"
NER_JUDGEMENTS = {"right", "wrong", "notplace"}
NEWS_JUDGEMENTS = {"right", "wrong", "notplace", "adjective", "missed", "unresolved", "unresolved-notplace"}


def _rows(name: str) -> list[dict]:
    with (KB / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_ner_sample_is_judged():
    rows = _rows("ner_sample.tsv")
    assert len(rows) == 100
    assert {r["judgement"] for r in rows} <= NER_JUDGEMENTS
    assert all(len(r["entity"]) <= 40 for r in rows)        # short names only, no sentences


def test_news_sample_is_judged_with_offsets_only():
    rows = _rows("news_sample.tsv")
    assert set(rows[0]) == {"article", "start", "end", "place_id", "judgement", "country", "note"}
    assert len({r["article"] for r in rows}) == 25
    assert {r["judgement"] for r in rows} <= NEWS_JUDGEMENTS
    for r in rows:
        assert 0 <= int(r["start"]) < int(r["end"])
        assert (r["place_id"] == "-") == (r["judgement"] in {"missed", "unresolved", "unresolved-notplace"})
    spans = Counter((r["article"], r["start"]) for r in rows)
    assert max(spans.values()) == 1


def test_report_figures_match_docs():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "measure_place_resolution.py"), "report"],
                         capture_output=True, text=True, check=True).stdout
    assert "96/100" in out
    assert "105/192 = 54.7%" in out and "105/142 = 73.9%" in out
    docs = (ROOT / "docs" / "kb.md").read_text(encoding="utf-8")
    assert "54.7%" in docs and "73.9%" in docs and "96 / 100" in docs
