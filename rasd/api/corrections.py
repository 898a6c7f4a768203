"""Corrections replayed over the store's events: edit a field, reject/restore, merge, split.

A correction is a row in `api_corrections` (who, when, what). Reading the store always goes through
`apply_corrections`, in the corrections' order, so a fix survives re-extraction as long as the event keeps
its id (the store derives ids from its claims' content hashes, so re-running the same ingest keeps them).
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

# Fields a correction may change, with the type each takes (None is always allowed: "unknown").
EDITABLE_FIELDS: dict[str, type] = {
    "event_date": str, "time_precision": int, "date_start": str, "date_end": str,
    "event_type": str, "sub_event_type": str, "modality": str,
    "actor1": str, "assoc_actor_1": str, "inter1": int, "actor2": str, "assoc_actor_2": str, "inter2": int,
    "interaction": int, "civilian_targeting": str, "actor1_ar": str, "actor2_ar": str,
    "country": str, "country_code": str, "admin1": str, "admin2": str, "admin3": str,
    "location": str, "location_ar": str, "latitude": float, "longitude": float, "geo_precision": int,
    "where_prec": int, "fatalities": int, "deaths_a": int, "deaths_b": int, "deaths_civilians": int,
    "deaths_unknown": int, "best": int, "low": int, "high": int, "injured": int, "kidnapped": int,
    "arrested": int, "notes": str, "tags": str, "confidence": float,
}
ACTIONS = ("edit", "reject", "restore", "merge", "split")


@dataclass(slots=True)
class EventState:
    """One event as the API shows it: the store's record with the corrections applied."""
    event_id: str
    record: dict[str, Any]
    status: str = "active"                 # active | rejected | merged
    merged_into: str | None = None
    corrected_fields: list[str] = field(default_factory=list)
    split_from: str | None = None
    search_text: str | None = None         # folded text for `q`, computed once per loaded view


@dataclass(frozen=True, slots=True)
class Correction:
    seq: int
    event_id: str
    action: str
    payload: dict[str, Any]
    author: str
    at: str


def apply_corrections(states: dict[str, EventState], corrections: list[Correction],
                      successors: dict[str, list[str]] | None = None) -> None:
    """Replay `corrections` over `states` (event_id → state) in place, oldest first.

    `successors` maps an event id the store superseded (a later article merged it into a new event) to the
    ids that replaced it; a correction follows them. A correction whose event is gone for good (re-extraction
    dropped it) is skipped, not an error.
    """
    def find(event_id: str) -> EventState | None:
        seen: set[str] = set()
        while event_id not in states and event_id not in seen:
            seen.add(event_id)
            nxt = [n for n in (successors or {}).get(event_id, []) if n not in seen]
            if not nxt:
                return None
            live = [n for n in nxt if n in states]
            event_id = live[0] if live else nxt[0]
        return states.get(event_id)

    for c in sorted(corrections, key=lambda c: c.seq):
        state = find(c.event_id)
        if state is None:
            continue
        if c.action == "edit":
            for name, value in c.payload.get("changes", {}).items():
                state.record[name] = value
                if name not in state.corrected_fields:
                    state.corrected_fields.append(name)
            if "event_type" in c.payload.get("changes", {}) or "event_type" in state.corrected_fields:
                from rasd.model import DISORDER_TYPES
                state.record["disorder_type"] = DISORDER_TYPES.get(state.record.get("event_type") or "", "")
        elif c.action == "reject":
            state.status = "rejected"
            state.record["rejected_reason"] = c.payload.get("reason", "")
        elif c.action == "restore":
            state.status = "active"
            state.record.pop("rejected_reason", None)
        elif c.action == "merge":
            for other_id in c.payload.get("others", []):
                other = find(other_id)
                if other is None or other is state or other.status == "merged":
                    continue
                _absorb(state.record, other.record)
                other.status = "merged"
                other.merged_into = state.event_id
        elif c.action == "split":
            new_id = c.payload.get("new_event_id")
            moving = set(c.payload.get("article_ids", []))
            if not new_id or new_id in states or not moving:
                continue
            states[new_id] = EventState(event_id=new_id, record=_split_off(state.record, moving, new_id),
                                        split_from=state.event_id)


def _absorb(target: dict[str, Any], other: dict[str, Any]) -> None:
    """Merge `other`'s sources, claims and evidence into `target`; fatalities follow ACLED's lowest count."""
    for key in ("article_ids", "sources", "evidence", "claims"):
        merged = list(target.get(key) or [])
        for item in other.get(key) or []:
            if item not in merged:
                merged.append(item)
        target[key] = merged
    counts = [v for v in (target.get("fatalities"), other.get("fatalities")) if v is not None]
    target["fatalities"] = min(counts) if counts else None
    lows = [v for v in (target.get("low"), other.get("low")) if v is not None]
    highs = [v for v in (target.get("high"), other.get("high")) if v is not None]
    target["low"] = min(lows) if lows else None
    target["high"] = max(highs) if highs else None
    target["number_of_sources"] = _source_count(target)


def _split_off(record: dict[str, Any], article_ids: set[str], new_id: str) -> dict[str, Any]:
    """Move the sources, claims and evidence of `article_ids` from `record` into a new record."""
    new = copy.deepcopy(record)
    new["event_id"] = new_id

    def part(items: list[Any], keep: bool) -> list[Any]:
        return [i for i in items or [] if (_article_of(i) in article_ids) != keep]

    for key in ("sources", "evidence", "claims"):
        new[key] = part(record.get(key) or [], keep=False)
        record[key] = part(record.get(key) or [], keep=True)
    new["article_ids"] = [a for a in record.get("article_ids") or [] if a in article_ids]
    record["article_ids"] = [a for a in record.get("article_ids") or [] if a not in article_ids]
    for rec in (record, new):
        claims = rec.get("claims") or []
        counts = [c.get("fatalities") for c in claims if c.get("fatalities") is not None]
        if counts:
            rec["fatalities"] = min(counts)
        rec["number_of_sources"] = _source_count(rec)
    return new


def _article_of(item: Any) -> str | None:
    return item.get("article_id") if isinstance(item, dict) else item


def _source_count(record: dict[str, Any]) -> int:
    outlets = {s.get("outlet") or s.get("article_id") for s in record.get("sources") or []}
    return max(len(outlets), 1 if record.get("article_ids") else 0)


def payload_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)
