"""Event-level evaluation against gold files in the ANNOTATION.md format.

The matching rules are those of ``shared/eval/score.py`` (the scorer of the hidden test set), written
again here so rasd can evaluate without it; ``tests/test_evaluate.py`` checks both give the same figures.
A predicted event matches a gold event of the same article when its type is in the gold ``accept_types``,
its date is within the gold tolerance and its point within the gold radius; pairs are matched one-to-one,
closest first. Optional gold events neither reward nor penalise.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

COUNTRY_WIDE_KM = 600
FIELDS = ("fatalities", "sub_event_type", "date_exact", "within_25km", "actor1", "actor2", "breakdown")


@dataclass
class ArticleResult:
    article_id: str
    tp: int
    fn: int
    fp: int
    missed: list[dict[str, Any]] = field(default_factory=list)
    spurious: list[dict[str, Any]] = field(default_factory=list)
    field_errors: list[tuple[str, dict, dict]] = field(default_factory=list)


@dataclass
class Scores:
    articles: int
    gold_required: int
    predicted: int
    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float
    field_accuracy: dict[str, tuple[float | None, int]]
    negative_articles: int
    negative_articles_with_false_events: int
    per_article: dict[str, ArticleResult]

    def summary(self) -> dict[str, Any]:
        return {
            "articles": self.articles, "gold_required": self.gold_required, "predicted": self.predicted,
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision, "recall": self.recall,
            "f1": self.f1, "field_accuracy": {k: list(v) for k, v in self.field_accuracy.items()},
            "negative_articles": self.negative_articles,
            "negative_articles_with_false_events": self.negative_articles_with_false_events,
        }

    def line(self) -> str:
        fa = " ".join(f"{k}={v[0]}({v[1]})" for k, v in self.field_accuracy.items())
        return (f"articles={self.articles} gold={self.gold_required} pred={self.predicted} tp={self.tp} "
                f"fp={self.fp} fn={self.fn} P={self.precision} R={self.recall} F1={self.f1} | {fa} | "
                f"negatives with false events: {self.negative_articles_with_false_events}/{self.negative_articles}")


def km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def _day(value: Any) -> date | None:
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value))
    return date(int(m[1]), int(m[2]), int(m[3])) if m else None


def _first(d: dict, *keys: str) -> Any:
    for k in keys:
        v = d.get(k)
        if v not in (None, "", []):
            return v
    return None


def predicted_articles(p: dict) -> set[str]:
    ids = [str(p[k]) for k in ("article_id", "doc_id") if p.get(k)]
    for k in ("article_ids", "doc_ids"):
        ids += [str(x) for x in p.get(k) or []]
    ids += [str(s["article_id"]) for s in p.get("sources") or [] if isinstance(s, dict) and s.get("article_id")]
    return set(ids)


def _pred_country(p: dict) -> str | None:
    for k in ("iso2", "country_code", "country", "iso"):
        v = p.get(k)
        if isinstance(v, str) and len(v) == 2:
            return v.upper()
    return None


def _actor_words(s: str | None) -> set[str]:
    s = re.sub(r"\(.*?\)", " ", (s or "").lower())
    s = re.sub(r"[^a-z ]", " ", s)
    stop = {"of", "the", "forces", "force", "military", "group", "armed", "al"}
    return {w for w in s.split() if w not in stop and len(w) > 1}


def actor_ok(gold: str | None, pred: str | None) -> bool | None:
    if not gold:
        return None
    a = _actor_words(gold)
    if not a:
        return None
    return bool(a & _actor_words(pred))


def fatalities_ok(g: dict, pf: Any) -> bool:
    gf = g.get("fatalities")
    if gf is None:
        return pf in (0, None)
    if pf == gf:
        return True
    lo, hi = g.get("fatalities_low"), g.get("fatalities_high")
    return isinstance(pf, int) and lo is not None and hi is not None and lo <= pf <= hi


def breakdown_ok(g: dict, p: dict) -> bool | None:
    deaths = g.get("deaths")
    if not deaths:
        return None
    return all((p.get(k) or 0) == (v or 0) for k, v in deaths.items())


def pair_distance(g: dict, p: dict) -> float | None:
    if p.get("event_type") not in set(g.get("accept_types") or [g["event_type"]]):
        return None
    gd, pd = _day(g["date"]), _day(_first(p, "event_date", "date", "date_start"))
    if gd is None or pd is None or abs((gd - pd).days) > g.get("date_tolerance_days", 1):
        return None
    lat, lon = p.get("latitude"), p.get("longitude")
    if lat is not None and lon is not None:
        try:
            d = km(float(g["latitude"]), float(g["longitude"]), float(lat), float(lon))
        except (TypeError, ValueError):
            return None
        return d if d <= g["radius_km"] else None
    if g["radius_km"] >= COUNTRY_WIDE_KM and _pred_country(p) == g["country"]:
        return float(g["radius_km"])
    return None


def match(golds: list[dict], preds: list[dict]) -> list[tuple[int, int]]:
    cands = []
    for i, g in enumerate(golds):
        for j, p in enumerate(preds):
            d = pair_distance(g, p)
            if d is not None:
                cands.append((not g.get("required", True), d, i, j))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, _, i, j in cands:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append((i, j))
    return pairs


def load_gold(gold_dir: Path, ids: set[str] | None = None) -> dict[str, dict]:
    golds = {}
    for f in sorted(Path(gold_dir).glob("*.json")):
        g = json.loads(f.read_text(encoding="utf-8"))
        if ids is None or g["id"] in ids:
            golds[g["id"]] = g
    return golds


def score(golds: dict[str, dict], predictions: list[dict]) -> Scores:
    preds_by: dict[str, list[dict]] = {k: [] for k in golds}
    for p in predictions:
        for a in predicted_articles(p) & golds.keys():
            preds_by[a].append(p)
    tp = fp = fn = 0
    counts = {k: [0, 0] for k in FIELDS}
    neg_docs = neg_false = 0
    per: dict[str, ArticleResult] = {}
    for aid, g in golds.items():
        ge, pe = g.get("events", []), preds_by[aid]
        pairs = match(ge, pe)
        matched_g = {i for i, _ in pairs}
        matched_p = {j for _, j in pairs}
        req = [i for i, e in enumerate(ge) if e.get("required", True)]
        d_tp = sum(1 for i, _ in pairs if ge[i].get("required", True))
        d_fn = sum(1 for i in req if i not in matched_g)
        d_fp = len(pe) - len(matched_p)
        tp, fn, fp = tp + d_tp, fn + d_fn, fp + d_fp
        res = ArticleResult(aid, d_tp, d_fn, d_fp,
                            missed=[ge[i] for i in req if i not in matched_g],
                            spurious=[pe[j] for j in range(len(pe)) if j not in matched_p])
        per[aid] = res
        if not req:
            neg_docs += 1
            neg_false += d_fp > 0
        for i, j in pairs:
            e, p = ge[i], pe[j]
            if not e.get("required", True):
                continue
            checks: dict[str, bool | None] = {
                "fatalities": fatalities_ok(e, p.get("fatalities")),
                "sub_event_type": p.get("sub_event_type") == e.get("sub_event_type"),
                "date_exact": _day(_first(p, "event_date", "date", "date_start")) == _day(e["date"]),
                "within_25km": (km(e["latitude"], e["longitude"], float(p["latitude"]), float(p["longitude"])) <= 25)
                if p.get("latitude") is not None and e["radius_km"] < COUNTRY_WIDE_KM else None,
                "actor1": actor_ok(e.get("actor1"), p.get("actor1")),
                "actor2": actor_ok(e.get("actor2"), p.get("actor2")),
                "breakdown": breakdown_ok(e, p),
            }
            for k, ok in checks.items():
                if ok is None:
                    continue
                counts[k][1] += 1
                counts[k][0] += bool(ok)
                if not ok:
                    res.field_errors.append((k, e, p))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return Scores(len(golds), tp + fn, sum(len(v) for v in preds_by.values()), tp, fp, fn, round(prec, 3),
                  round(rec, 3), round(f1, 3),
                  {k: (round(a / n, 3) if n else None, n) for k, (a, n) in counts.items()},
                  neg_docs, neg_false, per)


def evaluate(gold_dir: Path, articles_path: Path, split: str | None = None,
             splits_path: Path | None = None) -> tuple[Scores, list[dict]]:
    """Run extraction over the gold's articles and score it."""
    from rasd.io.readers import Skipped, read_articles
    from rasd.pipeline import extract_article
    ids = None
    if split:
        splits = json.loads(Path(splits_path or Path(gold_dir).parent / "splits.json").read_text())
        ids = set(splits[split])
    golds = load_gold(gold_dir, ids)
    preds: list[dict] = []
    for art in read_articles(articles_path):
        if isinstance(art, Skipped) or art.id not in golds:
            continue
        preds.extend(ev.to_record() for ev in extract_article(art))
    return score(golds, preds), preds


def format_errors(scores: Scores, articles: dict[str, str] | None = None) -> str:
    """Missed and spurious events with their evidence, and field errors of matched ones."""
    lines: list[str] = []
    for aid, res in scores.per_article.items():
        if not (res.missed or res.spurious or res.field_errors):
            continue
        text = (articles or {}).get(aid, "")
        lines.append(f"== {aid}  tp={res.tp} fn={res.fn} fp={res.fp}")
        for g in res.missed:
            ev = " | ".join(text[s:e] for s, e in g.get("evidence") or [])[:300] if text else ""
            lines.append(f"  MISSED {g.get('key')}: {g['event_type']}/{g.get('sub_event_type')} {g['date']} "
                         f"{g.get('admin1')} ({g['latitude']},{g['longitude']} r{g['radius_km']}) "
                         f"fat={g.get('fatalities')}\n      {ev}")
        for p in res.spurious:
            ev = " | ".join(e["text"] for e in p.get("evidence") or [])[:300]
            lines.append(f"  SPURIOUS {p.get('event_type')}/{p.get('sub_event_type')} {p.get('event_date')} "
                         f"{p.get('location')}, {p.get('admin1')} ({p.get('latitude')},{p.get('longitude')}) "
                         f"fat={p.get('fatalities')}\n      {ev}")
        for k, g, p in res.field_errors:
            got = {"fatalities": p.get("fatalities"), "sub_event_type": p.get("sub_event_type"),
                   "date_exact": p.get("event_date"), "within_25km": (p.get("latitude"), p.get("longitude")),
                   "actor1": p.get("actor1"), "actor2": p.get("actor2"),
                   "breakdown": (p.get("deaths_a"), p.get("deaths_b"), p.get("deaths_civilians"))}[k]
            want = {"fatalities": g.get("fatalities"), "sub_event_type": g.get("sub_event_type"),
                    "date_exact": g.get("date"), "within_25km": (g.get("latitude"), g.get("longitude")),
                    "actor1": g.get("actor1"), "actor2": g.get("actor2"), "breakdown": g.get("deaths")}[k]
            lines.append(f"  FIELD {g.get('key')} {k}: got {got!r}, gold {want!r}")
    return "\n".join(lines)
