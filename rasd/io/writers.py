"""Writers: events out as JSON, JSONL, ACLED-compatible CSV, UCDP-style CSV, GeoJSON or Parquet.

Every format starts from `Event.to_record()` (the documented JSONL fields). A few `Event.extras` keys that
the store fills (`EXPORTED_EXTRAS`, e.g. ``number_of_sources`` and the per-source ``claims``) are added after
them. The ACLED CSV has exactly `ACLED_COLUMNS` first, in ACLED's order, then rasd's other fields.
"""
from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, TextIO

from rasd.model import ACLED_COLUMNS, Event

FORMATS = ("json", "jsonl", "csv", "ucdp-csv", "geojson", "parquet")
# Extras the store sets on merged events; exported when present.
EXPORTED_EXTRAS = ("number_of_sources", "claims")
# Extras that are lists/objects: kept in JSON-like formats, dropped from flat ones (CSV, Parquet).
_NESTED_EXTRAS = {"claims"}

# UCDP GED-style columns (the subset rasd can fill), in GED's order.
UCDP_COLUMNS: tuple[str, ...] = (
    "id", "year", "type_of_violence", "side_a", "side_b", "source_article", "source_office", "source_date",
    "source_headline", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2", "latitude",
    "longitude", "geom_wkt", "country", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low",
)


class UnknownFormat(ValueError):
    """Raised for a format name rasd cannot write; the message lists the ones it can."""


def event_record(event: Event, nested: bool = True) -> dict[str, Any]:
    """`Event.to_record()` plus the exported extras (nested ones only when `nested`)."""
    record = event.to_record()
    for key in EXPORTED_EXTRAS:
        if key in event.extras and key not in record and (nested or key not in _NESTED_EXTRAS):
            record[key] = event.extras[key]
    return record


def write_events(events: Iterable[Event], fmt: str, out: TextIO | BinaryIO | str | os.PathLike[str]) -> int:
    """Write `events` to `out` in format `fmt`; returns how many were written.

    `out` is a text stream for every format but Parquet, which needs a path or a binary stream.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UnknownFormat(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        return _write_parquet(events, out)
    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", encoding="utf-8", newline="") as stream:
            return write_events(events, fmt, stream)
    if not isinstance(out, io.TextIOBase) and "b" in getattr(out, "mode", ""):
        raise ValueError(f"format {fmt} writes text: open the output in text mode")
    stream: TextIO = out  # type: ignore[assignment]
    if fmt == "jsonl":
        return _write_jsonl(events, stream)
    if fmt == "json":
        return _write_json(events, stream)
    if fmt == "csv":
        return _write_acled_csv(events, stream)
    if fmt == "ucdp-csv":
        return _write_ucdp_csv(events, stream)
    return _write_geojson(events, stream)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def _write_jsonl(events: Iterable[Event], out: TextIO) -> int:
    count = 0
    for event in events:
        out.write(_dumps(event_record(event)) + "\n")
        count += 1
    return count


def _write_json(events: Iterable[Event], out: TextIO) -> int:
    count = 0
    out.write("[")
    for event in events:
        out.write(("," if count else "") + "\n  " + _dumps(event_record(event)))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


# --- CSV ------------------------------------------------------------------------------------------------------

def flat_record(event: Event) -> dict[str, Any]:
    """The record with ACLED's `source` column and nested fields flattened to strings."""
    record = event_record(event, nested=False)
    outlets = []
    for source in event.sources:
        name = source.outlet or source.url or source.article_id
        if name and name not in outlets:
            outlets.append(name)
    flat: dict[str, Any] = {"source": "; ".join(outlets), "source_scale": ""}
    for key, value in record.items():
        if key == "attribution":
            flat["attribution"] = value["ar"] if value else None
            flat["attribution_en"] = value["en"] if value else None
        elif key == "article_ids":
            flat[key] = "; ".join(value)
        elif key == "sources":
            flat["source_urls"] = "; ".join(s["url"] for s in value if s["url"])
        elif key == "evidence":
            flat[key] = " | ".join(e["text"] for e in value)
            flat["evidence_offsets"] = "; ".join(f"{e['article_id']}:{e['start']}-{e['end']}" for e in value)
        elif isinstance(value, (list, dict)):
            flat[key] = _dumps(value)
        else:
            flat[key] = value
    return flat


def acled_header(first: dict[str, Any] | None) -> list[str]:
    rest = [k for k in (first or {}) if k not in ACLED_COLUMNS]
    return list(ACLED_COLUMNS) + rest


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 6))
    return value


def _write_acled_csv(events: Iterable[Event], out: TextIO) -> int:
    rows = (flat_record(e) for e in events)
    first = next(rows, None)
    header = acled_header(first if first is not None else flat_record(_empty_event()))
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in _chain(first, rows):
        writer.writerow({k: _csv_value(row.get(k)) for k in header})
        count += 1
    return count


def _chain(first: dict[str, Any] | None, rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    if first is not None:
        yield first
        yield from rest


def _empty_event() -> Event:
    return Event(event_id="", article_ids=[], sources=[], evidence=[], event_type="", sub_event_type="")


def ucdp_type_of_violence(event: Event) -> int:
    """UCDP's 1 state-based, 2 non-state, 3 one-sided (an organised actor against civilians)."""
    if event.civilian_targeting or event.inter2 == 7 or event.event_type == "Violence against civilians":
        return 3
    if event.inter1 == 1 or event.inter2 == 1:
        return 1
    return 2


def ucdp_row(event: Event) -> dict[str, Any]:
    has_point = event.latitude is not None and event.longitude is not None
    year = (event.date_start or event.event_date or "")[:4]
    return {
        "id": event.event_id,
        "year": int(year) if year.isdigit() else None,
        "type_of_violence": ucdp_type_of_violence(event),
        "side_a": event.actor1,
        "side_b": event.actor2 or ("Civilians" if ucdp_type_of_violence(event) == 3 else None),
        "source_article": "; ".join(s.url or s.article_id for s in event.sources),
        "source_office": "; ".join(dict.fromkeys(s.outlet for s in event.sources if s.outlet)),
        "source_date": "; ".join(dict.fromkeys(s.published for s in event.sources if s.published)),
        "source_headline": None,
        "where_prec": event.where_prec,
        "where_coordinates": event.location,
        "where_description": event.location_ar,
        "adm_1": event.admin1,
        "adm_2": event.admin2,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "geom_wkt": f"POINT ({event.longitude} {event.latitude})" if has_point else None,
        "country": event.country,
        "date_prec": event.time_precision,
        "date_start": event.date_start or event.event_date,
        "date_end": event.date_end or event.event_date,
        "deaths_a": event.deaths_a,
        "deaths_b": event.deaths_b,
        "deaths_civilians": event.deaths_civilians,
        "deaths_unknown": event.deaths_unknown,
        "best": event.best if event.best is not None else event.fatalities,
        "high": event.high if event.high is not None else event.fatalities,
        "low": event.low if event.low is not None else event.fatalities,
    }


def _write_ucdp_csv(events: Iterable[Event], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=list(UCDP_COLUMNS), lineterminator="\n")
    writer.writeheader()
    count = 0
    for event in events:
        writer.writerow({k: _csv_value(v) for k, v in ucdp_row(event).items()})
        count += 1
    return count


# --- GeoJSON and Parquet --------------------------------------------------------------------------------------

def _write_geojson(events: Iterable[Event], out: TextIO) -> int:
    count = 0
    out.write('{"type": "FeatureCollection", "features": [')
    for event in events:
        geometry = None
        if event.latitude is not None and event.longitude is not None:
            geometry = {"type": "Point", "coordinates": [event.longitude, event.latitude]}
        feature = {"type": "Feature", "id": event.event_id, "geometry": geometry,
                   "properties": event_record(event)}
        out.write(("," if count else "") + "\n" + _dumps(feature))
        count += 1
    out.write("\n]}\n")
    return count


def _column_kind(name: str) -> str:
    """Parquet column type from the Event field's annotation, so empty columns keep their type."""
    if name in ("number_of_sources",):
        return "int"
    annotation = str(Event.__annotations__.get(name, ""))
    if annotation.startswith("int"):
        return "int"
    if annotation.startswith("float"):
        return "float"
    return "str"


def _write_parquet(events: Iterable[Event], out: Any) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq
    if isinstance(out, io.TextIOBase) or (hasattr(out, "mode") and "b" not in getattr(out, "mode", "b")):
        raise ValueError("Parquet is binary: give a file path (e.g. --output events.parquet), not a text stream")
    rows = [flat_record(e) for e in events]
    header = acled_header(rows[0] if rows else flat_record(_empty_event()))
    columns: dict[str, list[Any]] = {k: [r.get(k) for r in rows] for k in header}
    arrays = {}
    for name, values in columns.items():
        kind = _column_kind(name)
        if kind == "int":
            arrays[name] = pa.array([None if v in (None, "") else int(v) for v in values], type=pa.int64())
        elif kind == "float":
            arrays[name] = pa.array([None if v in (None, "") else float(v) for v in values], type=pa.float64())
        else:
            arrays[name] = pa.array([None if v is None else str(v) for v in values], type=pa.string())
    table = pa.table(arrays)
    target = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    pq.write_table(table, target)
    return len(rows)
