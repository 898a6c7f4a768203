"""Lint of the pipeline's language data (triggers, casualty words, modality cues, place context, roles, dates):
NFC, no presentation forms, no tatweel or stray diacritics, no duplicates after folding, labels in the schema."""
import unicodedata
from importlib import resources

import pytest
import yaml

from rasd.model import EVENT_TYPES, SUB_EVENT_TO_TYPE
from rasd.recognise.triggers import CASUALTY_KINDS, MODALITIES, casualty_lexicon, cue_lexicon, trigger_lexicon
from rasd.text.normalise import fold

FILES = [("rasd.recognise.data", "triggers.yaml"), ("rasd.recognise.data", "casualties.yaml"),
         ("rasd.recognise.data", "modality.yaml"), ("rasd.recognise.data", "place_context.yaml"),
         ("rasd.events.data", "roles.yaml"), ("rasd.resolve.data", "when.yaml")]


def _load(package, name):
    with resources.files(package).joinpath(name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _phrase_lists(node, path=""):
    """Every list of Arabic phrases in a data file, with where it is."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _phrase_lists(v, f"{path}.{k}")
    elif isinstance(node, list):
        if node and all(isinstance(x, str) for x in node):
            yield path, node
        else:
            for i, v in enumerate(node):
                yield from _phrase_lists(v, f"{path}[{i}]")


def _is_arabic(s):
    return any("\u0600" <= c <= "\u06ff" for c in s)


@pytest.mark.parametrize("package,name", FILES, ids=[n for _, n in FILES])
def test_entries_are_clean(package, name):
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    assert text.startswith("#"), f"{name}: header comment (schema, version, source, licence) missing"
    for word in ("version", "source", "licence"):
        assert word in text.split("\nversion:")[0] or word == "version", f"{name}: header lacks {word}"
    data = _load(package, name)
    assert data.get("version"), f"{name}: no version"
    for where, phrases in _phrase_lists(data):
        arabic = [p for p in phrases if _is_arabic(p)]
        for p in arabic:
            assert unicodedata.normalize("NFC", p) == p, f"{name}{where}: {p!r} is not NFC"
            assert not any(0xFB50 <= ord(c) <= 0xFDFF or 0xFE70 <= ord(c) <= 0xFEFF for c in p), \
                f"{name}{where}: {p!r} has presentation forms"
            assert "\u0640" not in p, f"{name}{where}: {p!r} has tatweel"
            assert not any(0x064B <= ord(c) <= 0x065F for c in p), f"{name}{where}: {p!r} has diacritics"
        folded = [fold(p) for p in arabic]
        dupes = {p for p in folded if folded.count(p) > 1}
        assert not dupes, f"{name}{where}: duplicates after folding: {sorted(dupes)}"


def test_labels_are_in_the_schema():
    for row in _load("rasd.recognise.data", "triggers.yaml")["triggers"]:
        assert row["event_type"] in EVENT_TYPES
        assert SUB_EVENT_TO_TYPE[row["sub_event_type"]] == row["event_type"]
        assert row["strength"] in (1, 2)
    assert {r["kind"] for r in _load("rasd.recognise.data", "casualties.yaml")["casualties"]} <= set(CASUALTY_KINDS)
    assert {r["modality"] for r in _load("rasd.recognise.data", "modality.yaml")["cues"]} <= set(MODALITIES)


def test_lexicons_load_and_match():
    from rasd.text.normalise import normalise
    text = "وأسفر القصف المدفعي عن مقتل 5 مدنيين، وفي حال تمكن التنظيم من السيطرة"
    n = normalise(text)
    assert {m.payloads[0].kind for m in trigger_lexicon().find(n)} >= {"shelling"}
    assert any(m.payloads[0].kind == "killed" for m in casualty_lexicon().find(n))
    assert any(m.payloads[0].modality == "hypothetical" for m in cue_lexicon().find(n))
