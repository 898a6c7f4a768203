"""Event ↔ JSON record, the inverse of `Event.to_record()` (plus the extras the store keeps)."""
from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from rasd.model import Event, Evidence, SourceRef

_EVENT_FIELDS = {f.name for f in fields(Event)}
_STORED_EXTRAS = ("number_of_sources", "claims")


def event_to_json(event: Event) -> str:
    record = event.to_record()
    for key in _STORED_EXTRAS:
        if key in event.extras:
            record[key] = event.extras[key]
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def event_from_record(record: dict[str, Any]) -> Event:
    values: dict[str, Any] = {k: v for k, v in record.items()
                              if k in _EVENT_FIELDS and k not in ("sources", "evidence", "attribution", "extras")}
    values["article_ids"] = list(record.get("article_ids") or [])
    values["sources"] = [SourceRef(article_id=s.get("article_id", ""), url=s.get("url") or "",
                                   outlet=s.get("outlet") or "", published=s.get("published"))
                         for s in record.get("sources") or []]
    values["evidence"] = [Evidence(article_id=e["article_id"], start=e["start"], end=e["end"], text=e["text"])
                          for e in record.get("evidence") or []]
    attribution = record.get("attribution")
    values["attribution"] = attribution.get("ar") if isinstance(attribution, dict) else attribution
    values["attribution_en"] = attribution.get("en") if isinstance(attribution, dict) else None
    values.setdefault("event_type", "")
    values.setdefault("sub_event_type", "")
    values.setdefault("event_id", "")
    if values.get("notes") is None:
        values["notes"] = ""
    if values.get("tags") is None:
        values["tags"] = ""
    extras = {k: record[k] for k in _STORED_EXTRAS if k in record}
    return Event(**values, extras=extras)


def event_from_json(text: str) -> Event:
    return event_from_record(json.loads(text))
