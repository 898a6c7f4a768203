"""Golden shapes of Arabic conflict reporting (tests/golden/shapes.yaml): each case asserts its fields."""
from pathlib import Path

import pytest
import yaml

import rasd

CASES = yaml.safe_load((Path(__file__).parent / "golden" / "shapes.yaml").read_text(encoding="utf-8"))["cases"]
SUBSTRING_FIELDS = {"location", "actor1", "actor2", "attribution_en"}


def _field(record: dict, name: str):
    if name == "attribution_en":
        return (record.get("attribution") or {}).get("en") or ""
    return record.get(name)


def _fits(record: dict, expected: dict) -> list[str]:
    wrong = []
    for name, want in expected.items():
        got = _field(record, name)
        if name in SUBSTRING_FIELDS:
            ok = want.lower() in (got or "").lower()
        else:
            ok = got == want
        if not ok:
            wrong.append(f"{name}: got {got!r}, want {want!r}")
    return wrong


def test_there_are_at_least_sixty_cases():
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_shape(case):
    events = rasd.extract(case["text"], published=case["published"], article_id=case["id"])
    records = [e.to_record() for e in events]
    for r in records:
        for ev in r["evidence"]:
            assert case["text"][ev["start"]:ev["end"]] == ev["text"]
    expected = case["events"]
    summary = [{k: r.get(k) for k in ("event_type", "sub_event_type", "event_date", "admin1", "location",
                                      "fatalities", "injured")} for r in records]
    assert len(records) == len(expected), f"{len(records)} events, want {len(expected)}: {summary}"
    remaining = list(records)
    for exp in expected:
        diffs = [(_fits(r, exp), r) for r in remaining]
        best, record = min(diffs, key=lambda d: len(d[0]))
        assert not best, f"closest event differs: {best}; all: {summary}"
        remaining.remove(record)
