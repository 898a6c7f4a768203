#!/usr/bin/env python3
"""Measure rasd on the development gold and record the figures in docs/quality.md and eval/dev/quality.json.

    python3 eval/dev/build_articles.py && python3 eval/dev/split.py
    .venv/bin/python scripts/quality_report.py

The JSON file is the floor CI holds the test split to (tests/test_quality.py: event F1 may not drop more than
0.02 below it). Run this after a change that moves the figures, and commit both files with that change.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasd.evaluate.events import evaluate  # noqa: E402

GOLD = ROOT / "eval" / "dev" / "gold"
ARTICLES = ROOT / "eval" / "dev" / "articles.jsonl"
TARGETS = {"f1": 0.75, "fatalities": 0.85, "date_exact": 0.85, "within_25km": 0.75, "false_alarm_rate": 0.10}


def main() -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    today = dt.date.today().isoformat()
    rows = {}
    for split in ("tune", "test"):
        scores, _ = evaluate(GOLD, ARTICLES, split)
        s = scores.summary()
        s["false_alarm_rate"] = round(scores.negative_articles_with_false_events / scores.negative_articles, 3) \
            if scores.negative_articles else None
        rows[split] = s
    (ROOT / "eval" / "dev" / "quality.json").write_text(json.dumps(
        {"measured": today, "commit": commit, **rows}, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Quality on the development gold set",
        "",
        f"Measured {today} at commit `{commit}` with `scripts/quality_report.py` (matching rules of",
        "`../shared/eval/score.py`, re-implemented in `rasd/evaluate/events.py`; both agree on the same predictions,",
        "see `tests/test_evaluate.py`). The gold set, its method and its split are described in",
        "[eval/dev/README.md](../eval/dev/README.md): `tune` is for looking at errors, `test` is only reported.",
        "",
        "| split | articles | gold events | predicted | P | R | F1 | fatalities exact | breakdown exact | date exact | within 25 km | sub-event type | actor1 | actor2 | no-conflict articles with a false event |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for split, s in rows.items():
        fa = s["field_accuracy"]

        def f(k: str) -> str:
            v, n = fa[k]
            return "–" if v is None else f"{v:.2f} ({n})"
        lines.append(
            f"| {split} | {s['articles']} | {s['gold_required']} | {s['predicted']} | {s['precision']:.2f} | "
            f"{s['recall']:.2f} | **{s['f1']:.2f}** | {f('fatalities')} | {f('breakdown')} | {f('date_exact')} | "
            f"{f('within_25km')} | {f('sub_event_type')} | {f('actor1')} | {f('actor2')} | "
            f"{s['negative_articles_with_false_events']}/{s['negative_articles']} |")
    t = rows["test"]
    lines += [
        "",
        "Field accuracies are over matched required events (their count in brackets).",
        "",
        "## Against this round's targets (test split)",
        "",
        "| measure | target | measured | gap |",
        "|---|---|---|---|",
        f"| event F1 | ≥ {TARGETS['f1']} | {t['f1']:.2f} | {t['f1'] - TARGETS['f1']:+.2f} |",
    ]
    for k, label in (("fatalities", "fatalities exact"), ("date_exact", "date exact"), ("within_25km", "within 25 km")):
        v = t["field_accuracy"][k][0]
        lines.append(f"| {label} | ≥ {TARGETS[k]} | {v if v is not None else '–'} | "
                     f"{'' if v is None else f'{v - TARGETS[k]:+.2f}'} |")
    far = t["false_alarm_rate"]
    lines.append(f"| no-conflict articles with a false event | ≤ {TARGETS['false_alarm_rate']:.0%} | "
                 f"{far:.0%} | {far - TARGETS['false_alarm_rate']:+.0%} |")
    lines += ["", "What the errors are, and what is being done about them, is in [errors.md](errors.md).", ""]
    (ROOT / "docs" / "quality.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
