"""How much of the place names annotated in Arabic NER corpora the gazetteer knows.

For NewsFANE Gold (Nation, State-or-Province, County-or-District, Population-Center) and the ANERcorp CAMeL Lab
test split (LOC), report per label:
  - entity coverage: the share of gold place entities whose text is a gazetteer name (``Gazetteer.lookup``, or
    one lexicon match spanning the whole entity, which lets clitics through), and the same share by tokens;
  - in-context recall and precision of ``Gazetteer.find_places`` run over the running text (windows of
    sentences), i.e. with the common-word and type-word rules applied: a gold entity is found when a match
    overlaps it; a match is correct when it overlaps a gold place entity.

With gold event files (``--gold``, default eval/dev/gold and the shared example), also report for the gold
events how many of their ``places_ar`` names the gazetteer finds (``find_places`` over the name, so "ريف X" and
"مدينة X" count) and how many events get a place within the gold ``radius_km`` when the candidates are
resolved with the event's country and admin1 as context.

Usage: .venv/bin/python scripts/measure_gazetteer_coverage.py [--shared ../shared] [--gold DIR] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasd.kb.gazetteer import Gazetteer, load_gazetteer, resolve_place  # noqa: E402
from rasd.text.normalise import normalise  # noqa: E402

NEWSFANE_LABELS = ("Nation", "State-or-Province", "County-or-District", "Population-Center")
ANER_LABELS = ("LOC",)
INVISIBLE = "\u200e\u200f\ufeff"
WINDOW = 80        # tokens per running-text window when a corpus has no sentence breaks


@dataclass(frozen=True)
class Entity:
    label: str
    start: int        # token indices in the document, half-open
    end: int
    text: str


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Sentences of (token, BIO tag); a blank line ends a sentence; malformed lines are skipped and counted."""
    sentences: list[list[tuple[str, str]]] = [[]]
    skipped = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip().strip(INVISIBLE)
        if not line:
            if sentences[-1]:
                sentences.append([])
            continue
        parts = line.replace("\t", " ").split()
        if len(parts) < 2:
            skipped += 1
            continue
        token, tag = " ".join(parts[:-1]).strip(INVISIBLE), parts[-1]
        sentences[-1].append((token, tag))
    if skipped:
        print(f"{path.name}: skipped {skipped} malformed lines", file=sys.stderr)
    sentences = [s for s in sentences if s]
    if len(sentences) == 1:       # no sentence breaks: cut into windows
        flat = sentences[0]
        sentences = [flat[i:i + WINDOW] for i in range(0, len(flat), WINDOW)]
    return sentences


def entities(sentence: list[tuple[str, str]], labels: tuple[str, ...]) -> list[Entity]:
    out: list[Entity] = []
    cur: list[int] = []
    cur_label = ""

    def close() -> None:
        if cur and cur_label in labels:
            out.append(Entity(cur_label, cur[0], cur[-1] + 1, " ".join(sentence[i][0] for i in cur)))

    for i, (_, tag) in enumerate(sentence):
        kind, _, label = tag.partition("-")
        if kind == "B" or (kind == "I" and label != cur_label):
            close()
            cur, cur_label = [i], label
        elif kind == "I":
            cur.append(i)
        else:
            close()
            cur, cur_label = [], ""
    close()
    return out


def known(gaz: Gazetteer, text: str) -> bool:
    if gaz.lookup(text):
        return True
    norm = normalise(text)
    matches = gaz.lexicon().find(norm)
    return len(matches) == 1 and not text[:matches[0].start].strip(" وبلفك") and not text[matches[0].end:].strip()


def measure(gaz: Gazetteer, path: Path, labels: tuple[str, ...]) -> dict[str, object]:
    sentences = read_conll(path)
    per_label: dict[str, Counter[str]] = {lab: Counter() for lab in labels}
    matches_total = matches_correct = 0
    misses: Counter[str] = Counter()
    for sent in sentences:
        ents = entities(sent, labels)
        # running text with token offsets, so matches map back to tokens
        offsets: list[tuple[int, int]] = []
        pos = 0
        pieces = []
        for tok, _ in sent:
            offsets.append((pos, pos + len(tok)))
            pieces.append(tok)
            pos += len(tok) + 1
        text = " ".join(pieces)
        found = gaz.find_places(text)
        found_tokens = [{i for i, (s, e) in enumerate(offsets) if s < m.end and m.start < e} for m in found]
        gold_tokens = set()
        for ent in ents:
            c = per_label[ent.label]
            span = set(range(ent.start, ent.end))
            gold_tokens |= span
            c["entities"] += 1
            c["tokens"] += len(span)
            if known(gaz, ent.text):
                c["known"] += 1
                c["known_tokens"] += len(span)
            else:
                misses[ent.text] += 1
            if any(span & ft for ft in found_tokens):
                c["found_in_context"] += 1
        for ft in found_tokens:
            matches_total += 1
            matches_correct += bool(ft & gold_tokens)
    report: dict[str, object] = {"file": path.name, "sentences": len(sentences)}
    all_c: Counter[str] = Counter()
    for lab, c in per_label.items():
        all_c.update(c)
        report[lab] = _shares(c)
    report["all"] = _shares(all_c)
    report["find_places_precision"] = round(matches_correct / matches_total, 3) if matches_total else None
    report["find_places_matches"] = matches_total
    report["top_misses"] = misses.most_common(25)
    return report


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(a))


def measure_gold(gaz: Gazetteer, files: list[Path]) -> dict[str, object]:
    events = names = found = within = events_within = 0
    skipped = 0
    misses: Counter[str] = Counter()
    for f in files:
        try:
            gold = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            skipped += 1
            continue
        for ev in gold.get("events", []):
            if ev.get("latitude") is None or ev.get("longitude") is None:
                continue
            events += 1
            hit = False
            for name in ev.get("places_ar") or []:
                names += 1
                cands = [c for m in gaz.find_places(name) for c in m.candidates] or gaz.lookup(name)
                if not cands:
                    misses[name] += 1
                    continue
                found += 1
                best = resolve_place(cands, Counter({ev.get("country"): 1}), Counter({ev.get("admin1"): 1}))
                if km(best.latitude, best.longitude, ev["latitude"], ev["longitude"]) <= ev.get("radius_km", 25):
                    within += 1
                    hit = True
            events_within += hit
    return {"files": len(files), "skipped_files": skipped, "events": events, "place_names": names,
            "names_found": found, "names_within_radius": within, "events_with_a_place_within_radius": events_within,
            "top_misses": misses.most_common(25)}


def _shares(c: Counter[str]) -> dict[str, object]:
    n = c["entities"] or 1
    return {"entities": c["entities"], "entity_coverage": round(c["known"] / n, 3),
            "token_coverage": round(c["known_tokens"] / (c["tokens"] or 1), 3),
            "recall_in_context": round(c["found_in_context"] / n, 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--json", type=Path, default=None, help="also write the report here")
    ap.add_argument("--gold", type=Path, default=ROOT / "eval" / "dev" / "gold",
                    help="folder of gold event files (ANNOTATION.md format)")
    args = ap.parse_args(argv)
    ner = args.shared / "data" / "ner"
    newsfane = ner / "newsfane" / "NewsFANE_Gold_2014_170K.txt"
    aner = ner / "anercorp" / "ANERCorp_CamelLab_test.txt"
    missing = [p for p in (newsfane, aner) if not p.exists()]
    if missing:
        print(f"error: not found: {', '.join(map(str, missing))}; pass --shared", file=sys.stderr)
        return 2
    t = time.perf_counter()
    gaz = load_gazetteer()
    load_s = time.perf_counter() - t
    gaz.lexicon()
    reports = [measure(gaz, newsfane, NEWSFANE_LABELS), measure(gaz, aner, ANER_LABELS)]
    print(f"gazetteer: {len(gaz)} places, loaded in {load_s:.3f} s")
    for r in reports:
        print(f"\n{r['file']} ({r['sentences']} sentences/windows); find_places precision against gold places "
              f"{r['find_places_precision']} over {r['find_places_matches']} matches")
        print(f"  {'label':22s} {'entities':>8s} {'entity cov':>10s} {'token cov':>9s} {'in-context':>10s}")
        for lab, v in r.items():
            if isinstance(v, dict):
                print(f"  {lab:22s} {v['entities']:8d} {v['entity_coverage']:10.3f} {v['token_coverage']:9.3f} "
                      f"{v['recall_in_context']:10.3f}")
        print("  most frequent unknown:", ", ".join(f"{t}({n})" for t, n in r["top_misses"][:15]))
    gold_files = sorted(args.gold.glob("*.json")) if args.gold.is_dir() else []
    gold_files += sorted((args.shared / "examples").glob("*.gold.json"))
    if gold_files:
        g = measure_gold(gaz, gold_files)
        reports.append(g)
        print(f"\ngold events ({g['files']} files, {g['skipped_files']} unreadable): {g['events']} events with "
              f"coordinates, {g['place_names']} places_ar names; found {g['names_found']}, "
              f"{g['names_within_radius']} resolve within the gold radius; {g['events_with_a_place_within_radius']} "
              f"events have a place within radius")
        print("  most frequent unknown:", ", ".join(f"{t}({n})" for t, n in g["top_misses"][:20]))
    if args.json:
        args.json.write_text(json.dumps(reports, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
