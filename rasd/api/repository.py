"""The API's service layer over the store: filtered events, one event with its sources, articles,
aggregates, exports, corrections and article submission. The HTTP layer (`rasd.api.app`) only parses
requests and formats answers; the CLI could call these same functions.

Reads replay the corrections log over the store's event records (see `rasd.api.corrections`). The
corrected view of the whole store is computed once and cached until the store or the log changes
(checked with one cheap query per request), so filters, aggregates and exports run in memory.
"""
from __future__ import annotations

import hashlib
import io
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Engine, func, insert, or_, select

from rasd.api.corrections import (EDITABLE_FIELDS, Correction, EventState, apply_corrections, payload_json)
from rasd.api.tables import api_corrections
from rasd.store.db import EventStore
from rasd.model import EVENT_TYPES, Article, Event, SUB_EVENT_TO_TYPE
from rasd.text.normalise import fold

Extractor = Callable[[Article], list[Event]]


class NotFound(LookupError):
    """No such event or article."""


class InvalidCorrection(ValueError):
    """A correction that cannot apply; the message says why."""


@dataclass(frozen=True, slots=True)
class EventFilter:
    """The filters `rasd events` takes, as the API takes them."""
    country: str | None = None          # name or ISO code
    admin1: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor: str | None = None            # English or Arabic, part of a name
    min_fatalities: int | None = None
    q: str | None = None                # text search, Arabic or English
    include_rejected: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    total: int
    offset: int
    limit: int
    items: tuple[EventState, ...]


@dataclass(frozen=True, slots=True)
class StoredArticle:
    article_id: str          # the id the input gave
    article_key: str         # sha256 of the text
    title: str
    url: str
    outlet: str
    published: str | None
    text: str
    n_events: int


@dataclass(frozen=True, slots=True)
class Bucket:
    key: str
    events: int
    fatalities: int


@dataclass(frozen=True, slots=True)
class SubmitResult:
    stored: tuple[str, ...]            # article ids stored now
    duplicates: tuple[str, ...]        # already in the store (same text)
    event_ids: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]  # (article id or source, reason)


AGGREGATE_KEYS = ("day", "week", "month", "admin1", "country", "type", "actor")


def _record_date(record: dict[str, Any]) -> date | None:
    value = record.get("event_date")
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _folded(value: Any) -> str:
    return fold(str(value)).lower() if value not in (None, "") else ""


def _haystack(record: dict[str, Any]) -> str:
    parts = [record.get(k) for k in ("notes", "location", "location_ar", "admin1", "admin2", "admin3", "country",
                                     "actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "actor1_ar",
                                     "actor2_ar", "event_type", "sub_event_type", "date_expression")]
    parts += [e.get("text") for e in record.get("evidence") or []]
    attribution = record.get("attribution")
    if isinstance(attribution, dict):
        parts += [attribution.get("ar"), attribution.get("en")]
    return "\n".join(_folded(p) for p in parts if p)


def matches(state: EventState, f: EventFilter) -> bool:
    r = state.record
    if state.status == "merged" or (state.status == "rejected" and not f.include_rejected):
        return False
    if f.country:
        wanted = f.country.strip().lower()
        if wanted not in ((r.get("country") or "").lower(), (r.get("country_code") or "").lower()):
            return False
    if f.admin1 and _folded(f.admin1) != _folded(r.get("admin1")):
        return False
    if f.event_type and f.event_type != r.get("event_type"):
        return False
    if f.sub_event_type and f.sub_event_type != r.get("sub_event_type"):
        return False
    if f.date_from or f.date_to:
        day = _record_date(r)
        if day is None or (f.date_from and day < f.date_from) or (f.date_to and day > f.date_to):
            return False
    if f.min_fatalities is not None and (r.get("fatalities") or 0) < f.min_fatalities:
        return False
    if f.actor:
        wanted = _folded(f.actor)
        names = [_folded(r.get(k)) for k in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "actor1_ar",
                                            "actor2_ar")]
        if not any(wanted in n for n in names if n):
            return False
    if f.q:
        words = _folded(f.q).split()
        if state.search_text is None:
            state.search_text = _haystack(r)
        hay = state.search_text
        if not all(w in hay for w in words):
            return False
    return True


def _sort_key(state: EventState) -> tuple[str, str]:
    return (state.record.get("event_date") or "", state.event_id)


class EventRepository:
    def __init__(self, store: EventStore, extractor: Extractor | None = None) -> None:
        self.store = store
        self.engine: Engine = store.engine
        self._extractor = extractor
        self._lock = threading.Lock()
        self._cache_version: tuple[Any, ...] | None = None
        self._cache: dict[str, EventState] = {}

    # --- the corrected view -----------------------------------------------------------------------------

    def _version(self) -> tuple[Any, ...]:
        from rasd.store.schema import events, revisions
        with self.engine.connect() as conn:
            ev = conn.execute(select(func.count(), func.max(events.c.id))).one()
            rv = conn.execute(select(func.count(), func.max(revisions.c.seq))).one()
            cv = conn.execute(select(func.max(api_corrections.c.seq))).scalar()
        return tuple(ev) + tuple(rv) + (cv,)

    def states(self) -> dict[str, EventState]:
        """event_id → corrected state (a private copy the caller must not change)."""
        version = self._version()
        with self._lock:
            if version != self._cache_version:
                self._cache = self._load_states()
                self._cache_version = version
            return self._cache

    def _load_states(self) -> dict[str, EventState]:
        from rasd.store.schema import events
        states: dict[str, EventState] = {}
        with self.engine.connect() as conn:
            for event_id, record in conn.execute(select(events.c.event_id, events.c.record)
                                                 .order_by(events.c.event_id)):
                try:
                    parsed = json.loads(record)
                except (TypeError, ValueError):
                    continue     # an unreadable record is left out of the view, not a server error
                parsed["event_id"] = event_id
                states[event_id] = EventState(event_id=event_id, record=parsed)
        apply_corrections(states, self.corrections(), self._successors())
        return states

    def _successors(self) -> dict[str, list[str]]:
        """Superseded event id → the ids that replaced it, from the store's revision log."""
        from rasd.store.schema import revisions
        out: dict[str, list[str]] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(select(revisions.c.event_id, revisions.c.detail)
                                .where(revisions.c.action == "superseded").order_by(revisions.c.seq)).all()
        for event_id, detail in rows:
            try:
                by = json.loads(detail or "{}").get("by") or []
            except (ValueError, AttributeError):
                continue
            out[event_id] = [str(b) for b in by]
        return out

    def corrections(self, event_id: str | None = None) -> list[Correction]:
        query = select(api_corrections).order_by(api_corrections.c.seq)
        if event_id is not None:
            query = query.where(or_(api_corrections.c.event_id == event_id,
                                    api_corrections.c.payload.contains(json.dumps(event_id), autoescape=True)))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [Correction(seq=r.seq, event_id=r.event_id, action=r.action, payload=json.loads(r.payload),
                           author=r.author, at=_iso(r.at)) for r in rows]

    # --- reads ------------------------------------------------------------------------------------------

    def filtered(self, f: EventFilter) -> list[EventState]:
        selected = [s for s in self.states().values() if matches(s, f)]
        selected.sort(key=_sort_key, reverse=True)
        return selected

    def list_events(self, f: EventFilter, offset: int = 0, limit: int = 50) -> Page:
        selected = self.filtered(f)
        return Page(total=len(selected), offset=offset, limit=limit, items=tuple(selected[offset:offset + limit]))

    def get_event(self, event_id: str) -> EventState:
        state = self.states().get(event_id)
        if state is None:
            raise NotFound(f"no event {event_id!r}")
        return state

    def revisions(self, event_id: str) -> list[dict[str, Any]]:
        """The store's revision log for this event and every correction that touched it, oldest first."""
        from rasd.store.schema import revisions
        self.get_event(event_id)
        with self.engine.connect() as conn:
            rows = conn.execute(select(revisions).where(revisions.c.event_id == event_id)
                                .order_by(revisions.c.seq)).all()
        log = [{"kind": "store", "action": r.action, "author": "rasd ingest", "at": _iso(r.at),
                "detail": r.detail or "", "article_key": r.article_key} for r in rows]
        log += [{"kind": "correction", "action": c.action, "author": c.author, "at": c.at, "seq": c.seq,
                 "detail": c.payload, "event_id": c.event_id} for c in self.corrections(event_id)]
        return log

    def aggregate(self, f: EventFilter, by: str) -> list[Bucket]:
        if by not in AGGREGATE_KEYS:
            raise ValueError(f"unknown aggregate {by!r}; choose one of {', '.join(AGGREGATE_KEYS)}")
        counts: Counter[str] = Counter()
        deaths: Counter[str] = Counter()
        for state in self.filtered(f):
            for key in _bucket_keys(state.record, by):
                counts[key] += 1
                deaths[key] += state.record.get("fatalities") or 0
        ordered = sorted(counts) if by in ("day", "week", "month") else sorted(counts, key=lambda k: (-counts[k], k))
        return [Bucket(key=k, events=counts[k], fatalities=deaths[k]) for k in ordered]

    def export(self, f: EventFilter, fmt: str) -> bytes:
        from rasd.io.writers import write_events
        from rasd.store.records import event_from_record
        events = [event_from_record(s.record) for s in self.filtered(f)]
        if fmt == "parquet":
            buffer = io.BytesIO()
            write_events(events, fmt, buffer)
            return buffer.getvalue()
        text = io.StringIO()
        write_events(events, fmt, text)
        return text.getvalue().encode("utf-8")

    def get_article(self, article_id: str) -> StoredArticle:
        from rasd.store.schema import articles
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(or_(articles.c.external_id == article_id,
                                                          articles.c.article_key == article_id))
                               .order_by(articles.c.id).limit(1)).first()
        if row is None:
            raise NotFound(f"no article {article_id!r}")
        return _article(row)

    def list_articles(self, offset: int = 0, limit: int = 50, q: str | None = None) -> tuple[int, list[StoredArticle]]:
        from rasd.store.schema import articles
        query = select(articles)
        if q:
            query = query.where(or_(articles.c.title.contains(q, autoescape=True),
                                    articles.c.external_id.contains(q, autoescape=True),
                                    articles.c.text.contains(q, autoescape=True)))
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(query.subquery())).scalar() or 0
            rows = conn.execute(query.order_by(articles.c.published.desc(), articles.c.id)
                                .offset(offset).limit(limit)).all()
        return total, [_article(r) for r in rows]

    # --- corrections --------------------------------------------------------------------------------

    def _record(self, event_id: str, action: str, payload: dict[str, Any], author: str) -> Correction:
        at = datetime.now(timezone.utc)
        with self.engine.begin() as conn:
            seq = conn.execute(insert(api_corrections).values(
                event_id=event_id, action=action, payload=payload_json(payload), author=author, at=at)
            ).inserted_primary_key[0]
        return Correction(seq=seq, event_id=event_id, action=action, payload=payload, author=author, at=_iso(at))

    def edit(self, event_id: str, changes: dict[str, Any], author: str, comment: str = "") -> EventState:
        state = self.get_event(event_id)
        if not changes:
            raise InvalidCorrection("no changes given")
        clean = {name: _checked_value(name, value) for name, value in changes.items()}
        event_type = clean.get("event_type", state.record.get("event_type"))
        sub_type = clean.get("sub_event_type", state.record.get("sub_event_type"))
        if ("event_type" in clean or "sub_event_type" in clean) and SUB_EVENT_TO_TYPE.get(sub_type) != event_type:
            raise InvalidCorrection(f"sub_event_type {sub_type!r} is not a kind of {event_type!r}; "
                                    f"choose one of {', '.join(EVENT_TYPES.get(event_type, ()))}")
        before = {name: state.record.get(name) for name in clean}
        self._record(event_id, "edit", {"changes": clean, "before": before, "comment": comment}, author)
        return self.get_event(event_id)

    def reject(self, event_id: str, author: str, reason: str = "") -> EventState:
        self.get_event(event_id)
        self._record(event_id, "reject", {"reason": reason}, author)
        return self.get_event(event_id)

    def restore(self, event_id: str, author: str) -> EventState:
        state = self.get_event(event_id)
        if state.status != "rejected":
            raise InvalidCorrection(f"event {event_id!r} is {state.status}, not rejected")
        self._record(event_id, "restore", {}, author)
        return self.get_event(event_id)

    def merge(self, target_id: str, other_ids: Sequence[str], author: str, comment: str = "") -> EventState:
        others = [o for o in dict.fromkeys(other_ids) if o != target_id]
        if not others:
            raise InvalidCorrection("give at least one other event to merge into the target")
        for event_id in [target_id, *others]:
            state = self.get_event(event_id)
            if state.status == "merged":
                raise InvalidCorrection(f"event {event_id!r} is already merged into {state.merged_into!r}")
        self._record(target_id, "merge", {"others": others, "comment": comment}, author)
        return self.get_event(target_id)

    def split(self, event_id: str, article_ids: Sequence[str], author: str, comment: str = "") -> tuple[EventState, EventState]:
        state = self.get_event(event_id)
        present = list(state.record.get("article_ids") or [])
        moving = [a for a in dict.fromkeys(article_ids)]
        unknown = [a for a in moving if a not in present]
        if unknown:
            raise InvalidCorrection(f"event {event_id!r} has no source article {unknown[0]!r}; "
                                    f"its articles are {', '.join(present)}")
        if not moving or len(moving) >= len(present):
            raise InvalidCorrection("a split moves some, not all, of the event's source articles to a new event")
        digest = hashlib.sha1(json.dumps([event_id, sorted(moving), len(self.corrections(event_id))])
                              .encode()).hexdigest()[:8]
        new_id = f"{event_id}-s{digest}"
        self._record(event_id, "split", {"article_ids": moving, "new_event_id": new_id, "comment": comment}, author)
        return self.get_event(event_id), self.get_event(new_id)

    # --- submission ----------------------------------------------------------------------------------

    def submit(self, items: Iterable[Article], extractor: Extractor | None = None) -> SubmitResult:
        """Store each article once (same text or same URL: a duplicate), extract its events and merge them
        with the store's events, exactly as `rasd ingest` does."""
        from rasd.ingest import canonical_url
        from rasd.store.db import article_key_for
        extract = extractor or self._extractor or _default_extractor()
        stored: list[str] = []
        duplicates: list[str] = []
        event_ids: list[str] = []
        skipped: list[tuple[str, str]] = []
        stored_keys: list[str] = []
        for article in items:
            if not article.text or not article.text.strip():
                skipped.append((article.id, "empty text"))
                continue
            url = canonical_url(article.url)
            if self.store.has_article(article_key_for(article.text)) or (url and self.store.article_for_url(url)):
                duplicates.append(article.id)
                continue
            try:
                found = list(extract(article))
            except Exception as exc:  # noqa: BLE001 — one bad article must not fail the batch; reported back
                skipped.append((article.id, f"extraction failed: {type(exc).__name__}: {exc}"))
                continue
            try:
                result = self.store.add_article(article, found, canonical_url=url)
            except (ValueError, TypeError, KeyError) as exc:
                skipped.append((article.id, f"could not store: {type(exc).__name__}: {exc}"))
                continue
            if not result.stored:
                duplicates.append(article.id)
                continue
            stored.append(article.id)
            stored_keys.append(result.article_key)
        # Asked at the end: a later article of the batch may have merged an earlier one's event away.
        for key in stored_keys:
            event_ids.extend(self._events_of_article(key))
        return SubmitResult(stored=tuple(stored), duplicates=tuple(duplicates),
                            event_ids=tuple(dict.fromkeys(event_ids)), skipped=tuple(skipped))

    def _events_of_article(self, article_key: str) -> list[str]:
        from rasd.store.schema import articles, claims
        with self.engine.connect() as conn:
            rows = conn.execute(select(claims.c.event_id).join(articles, articles.c.id == claims.c.article_id)
                                .where(articles.c.article_key == article_key).order_by(claims.c.claim_key)).all()
        return [r.event_id for r in rows if r.event_id]


def _default_extractor() -> Extractor:
    from rasd.ingest import default_extractor
    return default_extractor()


_KIND_NAMES = {int: "a whole number", float: "a number", str: "text"}


def _checked_value(name: str, value: Any) -> Any:
    kind = EDITABLE_FIELDS.get(name)
    if kind is None:
        raise InvalidCorrection(f"field {name!r} cannot be corrected; editable fields: {', '.join(EDITABLE_FIELDS)}")
    if value is None or value == "":
        return None if kind is not str else ("" if name in ("notes", "tags") else None)
    try:
        if kind is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            converted: Any = int(value)
        elif kind is float:
            if isinstance(value, bool):
                raise ValueError
            converted = float(value)
            if converted != converted or converted in (float("inf"), float("-inf")):
                raise ValueError
        else:
            if not isinstance(value, str):
                raise ValueError
            converted = value.strip()
    except (TypeError, ValueError):
        raise InvalidCorrection(f"{name} takes {_KIND_NAMES[kind]}, not {value!r}") from None
    if kind is int and converted < 0:
        raise InvalidCorrection(f"{name} cannot be negative")
    if name == "latitude" and not -90 <= converted <= 90:
        raise InvalidCorrection("latitude is between -90 and 90")
    if name == "longitude" and not -180 <= converted <= 180:
        raise InvalidCorrection("longitude is between -180 and 180")
    if name == "event_date" or name in ("date_start", "date_end"):
        try:
            date.fromisoformat(converted)
        except ValueError:
            raise InvalidCorrection(f"{name} is a date YYYY-MM-DD, not {converted!r}") from None
    if name == "event_type" and converted not in EVENT_TYPES:
        raise InvalidCorrection(f"unknown event_type {converted!r}; choose one of {', '.join(EVENT_TYPES)}")
    if name == "sub_event_type" and converted not in SUB_EVENT_TO_TYPE:
        raise InvalidCorrection(f"unknown sub_event_type {converted!r}")
    return converted


def _bucket_keys(record: dict[str, Any], by: str) -> list[str]:
    if by in ("day", "week", "month"):
        day = _record_date(record)
        if day is None:
            return []
        if by == "week":
            day = day - timedelta(days=day.weekday())
        return [day.isoformat()[:7] if by == "month" else day.isoformat()]
    if by == "admin1":
        return [record.get("admin1") or "(unknown)"]
    if by == "country":
        return [record.get("country") or "(unknown)"]
    if by == "type":
        return [record.get("event_type") or "(unknown)"]
    actors = [record.get("actor1"), record.get("actor2")]
    return list(dict.fromkeys(a for a in actors if a)) or ["(unknown)"]


def _article(row: Any) -> StoredArticle:
    return StoredArticle(article_id=row.external_id, article_key=row.article_key, title=row.title or "",
                         url=row.url or "", outlet=row.outlet or "",
                         published=row.published.isoformat() if row.published else None, text=row.text,
                         n_events=row.n_events or 0)


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat()
    return str(value) if value is not None else ""

