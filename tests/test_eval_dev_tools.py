"""eval/dev tooling: the tune/test rule, splits.json, and rebuilding articles.jsonl from corpora."""
import gzip
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

DEV = Path(__file__).resolve().parents[1] / "eval" / "dev"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"evaldev_{name}", DEV / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _gold(folder: Path, article_id: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{article_id}.json").write_text(json.dumps({"id": article_id, "events": []}))


def test_split_rule_is_sha1_mod_3():
    split = _load("split")
    for aid in ("SNN-0180af6af309", "AL-internationalNews-1-20180219", "x", "عربي"):
        expected = "test" if int(hashlib.sha1(aid.encode()).hexdigest(), 16) % 3 == 0 else "tune"
        assert split.split_of(aid) == expected
    assert {split.split_of(f"id-{i}") for i in range(30)} == {"tune", "test"}


def test_split_writes_json_and_materialises_ignored_copies(tmp_path):
    gold = tmp_path / "gold"
    ids = [f"art-{i}" for i in range(12)]
    for aid in ids:
        _gold(gold, aid)
    (gold / "broken.json").write_text("{not json")
    out = tmp_path / "splits.json"
    run = subprocess.run([sys.executable, str(DEV / "split.py"), "--gold-dir", str(gold), "--out", str(out),
                          "--materialise"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "skipped unreadable gold file broken.json" in run.stderr
    splits = json.loads(out.read_text())
    assert sorted(splits["tune"] + splits["test"]) == sorted(ids)
    assert splits["test"] and splits["tune"]
    for name in ("tune", "test"):
        copied = sorted(p.stem for p in (tmp_path / name).glob("*.json"))
        assert copied == splits[name]
        assert (tmp_path / name / ".gitignore").read_text() == "*\n"


def test_build_articles_from_gold_and_lists(tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    records = [{"id": f"A{i}", "source": "s", "url": "u", "published": "2015-07-21T00:00:00",
                "title": "t", "text": f"نص {i}", "extra": 1} for i in range(5)]
    with gzip.open(news / "one.jsonl.gz", "wt", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        f.write("not json\n")
    gold = tmp_path / "gold"
    _gold(gold, "A3")
    _gold(gold, "A1")
    ids = tmp_path / "ids.txt"
    ids.write_text("A4\n# comment\n\n")
    out = tmp_path / "articles.jsonl"
    cmd = [sys.executable, str(DEV / "build_articles.py"), "--gold-dir", str(gold), "--news-dir", str(news),
           "--ids", str(ids), "--out", str(out)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    lines = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    assert [a["id"] for a in lines] == ["A1", "A3", "A4"]
    assert set(lines[0]) == {"id", "source", "url", "published", "title", "text"}
    assert lines[1]["text"] == "نص 3"

    _gold(gold, "MISSING")
    run = subprocess.run(cmd, capture_output=True, text=True)
    assert run.returncode == 1
    assert "not found: MISSING" in run.stderr


@pytest.mark.skipif(not (DEV / "gold").is_dir(), reason="no gold folder")
def test_committed_gold_files_are_well_formed_and_text_free():
    """Every gold file parses, names its own id, and carries annotations only (no article text)."""
    for path in sorted((DEV / "gold").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        assert gold["id"] == path.stem
        assert "text" not in gold and "title" not in gold
        for event in gold.get("events", []):
            assert event["event_type"] in event.get("accept_types", [event["event_type"]])
            assert all(0 <= s < e for s, e in event["evidence"]), path.name
