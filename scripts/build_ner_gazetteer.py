"""Build rasd/models/ner.gazetteer.tsv: the name lists behind the NER tagger's gazetteer features.

Sources (read from ../shared at build time only):
  ANERGazet (Benajiba et al., distributed with ANERcorp; person, location, organisation lists) and the
  Arabic names of GeoNames places with 500+ people in the Middle East and Sahel (CC BY 4.0);
  and, from the repository itself, the one-word Arabic names of the named armed groups in the actor
  dictionary (rasd/kb/data/actors.yaml, Apache-2.0: "داعش", "طالبان", "الحوثيين") as organisations —
  the 2000s newswire of ANERcorp hardly names them.
Each entry is one folded word (rasd.text.normalise.fold, article stripped) and the types it is a word
of; single-word names are marked as whole names ("PER" vs "PER~" for a word of a longer name).
Usage: .venv/bin/python scripts/build_ner_gazetteer.py [OUT]
"""
from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rasd.text.normalise import fold  # noqa: E402
from rasd.text.tokens import strip_article, tokenize  # noqa: E402

SHARED = ROOT.parent / "shared/data"
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "rasd/models/ner.gazetteer.tsv"
ACTORS = ROOT / "rasd/kb/data/actors.yaml"
# actor types whose names are organisations' proper names (state forces and generic actors are
# descriptions: "الجيش العراقي", "قوات الأمن")
ORGANISATION_ACTOR_TYPES = {"rebel_group", "political_militia", "identity_militia", "external_other"}
VERSION = "2"
ARABIC_WORD = re.compile(r"^[\u0621-\u064a]{2,}$")


def words(name: str) -> list[str]:
    return [strip_article(t.text) for t in tokenize(fold(name))]


def main() -> None:
    types: dict[str, set[str]] = defaultdict(set)

    def add(name: str, kind: str) -> None:
        ws = [w for w in words(name) if ARABIC_WORD.match(w)]
        if not ws or len(ws) != len(tokenize(fold(name))):
            return
        for w in ws:
            types[w].add(kind if len(ws) == 1 else kind + "~")

    for kind, file in (("LOC", "AlignedLocGazetteer.txt"), ("ORG", "AlignedOrgGazetteer.txt"),
                       ("PER", "AlignedPersGazetteer.txt")):
        for line in (SHARED / "ner/anercorp/ANERGazet" / file).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("="):
                add(line.strip(), kind)
    with open(SHARED / "gazetteer/geonames/geonames_cities500_arabic.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for name in (row["arabic_names"] or "").split("|"):
                add(name, "LOC")
    import yaml

    for actor in yaml.safe_load(ACTORS.read_text(encoding="utf-8"))["actors"]:
        if actor.get("generic") or actor.get("type") not in ORGANISATION_ACTOR_TYPES:
            continue
        for alias in actor.get("aliases_ar") or ():
            if len(tokenize(fold(alias))) == 1:
                add(alias, "ORG")
    lines = [
        "# rasd NER gazetteer features: folded word (article stripped) <TAB> types (comma-separated;",
        "#   PER/LOC/ORG = a whole one-word name of that type, PER~/LOC~/ORG~ = a word of a longer name)",
        f"# version: {VERSION}; built by scripts/build_ner_gazetteer.py",
        "# sources: ANERGazet (Benajiba, Rosso & Benedi 2007, distributed with ANERcorp, research use);",
        "#   GeoNames cities500 Arabic names for the Middle East and Sahel (CC BY 4.0, geonames.org);",
        "#   one-word names of armed groups from rasd/kb/data/actors.yaml (Apache-2.0)",
        "# licence: CC BY 4.0 (GeoNames part); ANERGazet part as distributed with ANERcorp (CC BY-SA 4.0)",
    ]
    for w in sorted(types):
        lines.append(f"{w}\t{','.join(sorted(types[w]))}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(types)} words → {OUT}")


if __name__ == "__main__":
    main()
