"""The event store: open (and migrate) a database, add an article with its events, query merged events.

`open_store()` opens SQLite by default — one file in WAL mode at ``$RASD_DB`` or
``~/.local/share/rasd/rasd.db``, created on first use — or PostgreSQL for a team
(``postgresql://user:pass@host/db``). Migrations shipped in the package are applied on open.

`EventStore.add_article()` stores an article, its events as claims, and merges them with the events of other
articles, all in one transaction: an ingest killed at any point leaves the database as it was before the
article, and re-running it ends in exactly the state an uninterrupted run reaches.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from rasd.merge.rules import (DEFAULT_POLICY, Claim, MergePolicy, claim_day_range, claim_key, compatible,
                              merge_block, partition)
from rasd.model import Article, Event, Mention
from rasd.store import schema as s
from rasd.store.neardup import NearDuplicateIndex, Signature
from rasd.store.records import event_from_json, event_to_json
from rasd.text.normalise import fold

DEFAULT_DB_PATH = Path("~/.local/share/rasd/rasd.db")
# Serialises merges between concurrent ingesters on one PostgreSQL database.
_PG_MERGE_LOCK = 0x72617364


class StoreError(RuntimeError):
    """A store that cannot be opened or used; the message says what to do."""


def default_db_url() -> str:
    return os.environ.get("RASD_DB") or str(DEFAULT_DB_PATH.expanduser())


def resolve_db_url(db: str | os.PathLike[str] | None = None) -> str:
    """A path or URL as the user gives it → a SQLAlchemy URL (psycopg 3 for PostgreSQL)."""
    target = os.fspath(db) if db is not None else default_db_url()
    if target.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + target.split("://", 1)[1]
    if "://" in target:
        return target
    path = Path(target).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN itself (_sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE: take the write lock at the start; a deferred BEGIN that later upgrades fails at once with
    # "database is locked" when another ingest holds it (busy_timeout does not cover the upgrade)
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(connection: Connection) -> None:
    """Bring the schema to the newest migration shipped in the package."""
    from alembic import command
    from alembic.config import Config
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def open_store(db: str | os.PathLike[str] | None = None, policy: MergePolicy = DEFAULT_POLICY) -> EventStore:
    """Open (creating and migrating if needed) the store at `db`: a file path or a database URL.

    Raises StoreError, with a message for the user, when the database cannot be reached, is damaged or is not
    a rasd database; never a raw SQLAlchemy or Alembic error.
    """
    from alembic.util.exc import CommandError
    try:
        url = resolve_db_url(db)
    except OSError as err:          # the folder for a new SQLite file cannot be made
        target = os.fspath(db) if db is not None else default_db_url()
        raise StoreError(f"cannot create the database folder for {target!r}: {err}") from err
    try:
        engine = sa.create_engine(url, future=True)
    except (sa.exc.ArgumentError, ImportError) as err:
        raise StoreError(f"cannot use database {url!r}: {err}") from err
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MERGE_LOCK})
            migrate(connection)
    except (sa.exc.DatabaseError, CommandError) as err:      # OperationalError is a DatabaseError
        engine.dispose()
        raise StoreError(_open_failure(engine, err)) from err
    return EventStore(engine, policy)


def _open_failure(engine: Engine, err: Exception) -> str:
    """What went wrong opening or migrating the store, and what to do, in words (bug B5: a damaged SQLite
    file used to surface as a traceback)."""
    from alembic.util.exc import CommandError
    where = engine.url.render_as_string(hide_password=True)
    if engine.dialect.name == "sqlite":
        where = engine.url.database or where
    reason = str(getattr(err, "orig", None) or err).strip()
    if isinstance(err, CommandError):     # an Alembic revision this rasd does not know: a newer rasd wrote it
        return (f"{where} was written by another version of rasd ({reason}); "
                "open it with that version or upgrade rasd")
    if engine.dialect.name != "sqlite":
        return f"cannot open database {where}: {reason}. For PostgreSQL see docs/store.md (is the server running?)"
    if not isinstance(err, sa.exc.OperationalError):    # "file is not a database", "disk image is malformed"
        return (f"{where} is not a rasd database or is damaged (SQLite: {reason}); give --db another file, or "
                "restore this one from a backup")
    if "locked" in reason:
        return f"cannot open database {where}: {reason} (another rasd process is using it); try again"
    if "already exists" in reason:
        return (f"{where} is not a rasd database: it holds tables rasd did not create (SQLite: {reason}); "
                "give --db another file")
    return f"cannot open database {where}: {reason} (check that the file and its folder are readable and writable)"


@dataclass(frozen=True, slots=True)
class AddResult:
    """What storing one article did."""
    article_key: str
    stored: bool                      # False when the article was already there
    reason: str = ""                  # why not stored
    error: str = ""                   # set when the store could not represent the article's events
    replaced: bool = False            # True when it replaced a stored version of the same article
    claims: int = 0
    near_duplicate_of: tuple[str, ...] = ()
    events_created: int = 0
    events_updated: int = 0
    events_superseded: int = 0


@dataclass(frozen=True, slots=True)
class PendingArticle:
    """An article and the events extracted from it, waiting to be written."""
    article: Article
    events: tuple[Event, ...]
    canonical_url: str = ""
    signature: Signature | None = None


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Filters for `EventStore.events`; None means no filter. Dates are ISO strings or dates."""
    country: str | None = None
    admin1: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    event_type: str | None = None
    actor: str | None = None
    min_fatalities: int | None = None
    text: str | None = None
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class StoreCounts:
    articles: int
    claims: int
    events: int
    near_duplicate_articles: int


def article_key_for(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def search_text_for(event: Event) -> str:
    parts = [event.actor1, event.actor2, event.actor1_ar, event.actor2_ar, event.assoc_actor_1,
             event.assoc_actor_2, event.location, event.location_ar, event.admin1, event.admin2, event.admin3,
             event.country, event.notes, event.attribution, event.attribution_en, event.event_type,
             event.sub_event_type, *(e.text for e in event.evidence)]
    return fold(" \n ".join(p for p in parts if p)).casefold()


def _like_pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class EventStore:
    """Articles, claims and merged events in one database. Use `open_store()` to get one."""

    def __init__(self, engine: Engine, policy: MergePolicy = DEFAULT_POLICY) -> None:
        self.engine = engine
        self.policy = policy
        self.near_duplicates = NearDuplicateIndex()

    # --- lifecycle ---------------------------------------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # --- articles ----------------------------------------------------------------------------------------------

    def has_article(self, article_key: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(s.articles.c.id).where(s.articles.c.article_key == article_key)
                                ).first() is not None

    def article_for_url(self, canonical_url: str) -> str | None:
        """The key of the stored article with this canonical URL, if any."""
        if not canonical_url:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(s.articles.c.article_key)
                               .where(s.articles.c.canonical_url == canonical_url).limit(1)).first()
        return row[0] if row else None

    def add_article(self, article: Article, events: Sequence[Event], *, canonical_url: str = "",
                    signature: Signature | None = None) -> AddResult:
        """Store `article` with the events the pipeline found in it and merge them; one transaction."""
        return self.add_articles([PendingArticle(article, tuple(events), canonical_url, signature)])[0]

    def add_articles(self, batch: Sequence[PendingArticle]) -> list[AddResult]:
        """Store and merge several articles in one transaction, each inside its own savepoint.

        An article whose events the store cannot represent is rolled back alone (its result has `error`);
        a process killed during the batch leaves none of it, and re-adding the batch gives the same state.
        """
        results: list[AddResult] = []
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MERGE_LOCK})
            for item in batch:
                try:
                    with conn.begin_nested():
                        results.append(self._add_article(conn, item.article, item.events, item.canonical_url,
                                                          item.signature))
                except (ValueError, TypeError, KeyError, sa.exc.IntegrityError, sa.exc.DataError) as err:
                    results.append(AddResult(article_key_for(item.article.text), stored=False,
                                             reason="store error", error=f"{type(err).__name__}: {err}"))
        return results

    def already_stored(self, article: Article, canonical_url: str = "") -> str:
        """Why `article` is not to be stored ("" when it is new, or a preferred version of a stored URL)."""
        with self.engine.connect() as conn:
            return self._stored_version(conn, article, article_key_for(article.text), canonical_url)[0]

    def _add_article(self, conn: Connection, article: Article, events: Sequence[Event], canonical_url: str,
                     signature: Signature | None) -> AddResult:
        key = article_key_for(article.text)
        reason, replaced = self._stored_version(conn, article, key, canonical_url)
        if reason:
            return AddResult(key, stored=False, reason=reason)
        if replaced is not None:
            self._remove_article(conn, replaced, key)
        if signature is None:
            signature = self.near_duplicates.signature(article.text)
        article_id = conn.execute(s.articles.insert().values(
            article_key=key, external_id=article.id[:512], canonical_url=canonical_url or None,
            url=article.url, title=article.title, outlet=article.source[:256], published=article.published,
            text=article.text, minhash=signature.to_bytes(), near_duplicate_group=key, n_events=len(events),
        )).inserted_primary_key[0]
        near = self._link_near_duplicates(conn, article_id, key, signature)
        new_claims = self._insert_claims(conn, article, article_id, key, events)
        created, updated, superseded = self._merge(conn, new_claims, key)
        return AddResult(key, stored=True, claims=len(new_claims), near_duplicate_of=near,
                         events_created=created, events_updated=updated, events_superseded=superseded,
                         replaced=replaced is not None)

    @staticmethod
    def _stored_version(conn: Connection, article: Article, key: str, canonical_url: str) -> tuple[str, int | None]:
        """("reason", None) to skip; ("", id) to replace the stored version with that id; ("", None) if new.

        The same text arriving under other metadata (an outlet filing one story in two sections) and several
        texts under one canonical URL (an article updated after publication) are versions of one article; the
        store keeps the one `_Version.preferred_to` prefers, whatever order they arrive in.
        """
        a = s.articles.c
        columns = (a.id, a.article_key, a.published, sa.func.length(a.text).label("length"), a.external_id, a.url)
        new = _Version(article.published, len(article.text), key, article.id[:512], article.url)
        for condition, reason in ((a.article_key == key, "already stored (same text)"),
                                  (a.canonical_url == canonical_url, "already stored (same URL)")):
            if reason.endswith("URL)") and not canonical_url:
                break
            row = conn.execute(sa.select(*columns).where(condition).limit(1)).first()
            if row is not None:
                old = _Version(row.published, row.length, row.article_key, row.external_id, row.url)
                return ("", row.id) if new.preferred_to(old) else (reason, None)
        return "", None

    def _remove_article(self, conn: Connection, article_id: int, replaced_by: str) -> None:
        """Delete an article (replaced by a preferred version) and redo the merges and groups it took part in."""
        group = conn.execute(sa.select(s.articles.c.near_duplicate_group).where(s.articles.c.id == article_id)
                             ).scalar_one()
        removed = conn.execute(sa.select(s.claims.c.cluster_key, s.claims.c.place_id, s.claims.c.actor1,
                                         s.claims.c.actor2).where(s.claims.c.article_id == article_id)).all()
        conn.execute(s.mentions.delete().where(s.mentions.c.article_id == article_id))
        conn.execute(s.claims.delete().where(s.claims.c.article_id == article_id))
        conn.execute(s.article_bands.delete().where(s.article_bands.c.article_id == article_id))
        conn.execute(s.articles.delete().where(s.articles.c.id == article_id))
        self._regroup_near_duplicates(conn, group)
        for cluster in sorted({r.cluster_key for r in removed}):
            self._recluster(conn, cluster, replaced_by)
        self._refresh_places(conn, sorted({r.place_id for r in removed if r.place_id is not None}))
        self._refresh_actors(conn, sorted({name for r in removed for name in (r.actor1, r.actor2) if name}))

    def _refresh_places(self, conn: Connection, place_ids: Sequence[int]) -> None:
        """Rebuild place rows from the claims still naming them (or drop them), as if the removed never came."""
        for place_id in place_ids:
            records = conn.execute(sa.select(s.claims.c.record).where(s.claims.c.place_id == place_id)).scalars()
            events = [event_from_json(r) for r in records]
            used_by_events = conn.execute(sa.select(s.events.c.id).where(s.events.c.place_id == place_id)
                                          .limit(1)).first()
            if not events and not used_by_events:
                conn.execute(s.places.delete().where(s.places.c.id == place_id))
                continue
            conn.execute(s.places.update().where(s.places.c.id == place_id).values(
                location_ar=min((e.location_ar for e in events if e.location_ar), default=None),
                geo_precision=min((e.geo_precision for e in events if e.geo_precision is not None), default=None)))

    def _refresh_actors(self, conn: Connection, names: Sequence[str]) -> None:
        """Rebuild actor rows from the claims still naming them (or drop them)."""
        c = s.claims.c
        for name in names:
            records = conn.execute(sa.select(c.record).where(sa.or_(c.actor1 == name, c.actor2 == name))).scalars()
            seen_ar, seen_inter = [], []
            for event in (event_from_json(r) for r in records):
                for actor, actor_ar, inter in ((event.actor1, event.actor1_ar, event.inter1),
                                               (event.actor2, event.actor2_ar, event.inter2)):
                    if actor and actor[:512] == name:
                        seen_ar += [actor_ar] if actor_ar else []
                        seen_inter += [inter] if inter is not None else []
            row = conn.execute(sa.select(s.actors.c.id).where(s.actors.c.name == name)).first()
            if row is None:
                continue
            used_by_events = conn.execute(sa.select(s.events.c.id).where(
                sa.or_(s.events.c.actor1_id == row.id, s.events.c.actor2_id == row.id)).limit(1)).first()
            if not seen_ar and not seen_inter and not used_by_events and not self._actor_in_claims(conn, name):
                conn.execute(s.actors.delete().where(s.actors.c.id == row.id))
                continue
            conn.execute(s.actors.update().where(s.actors.c.id == row.id).values(
                name_ar=min(seen_ar, default=None), inter=min(seen_inter, default=None)))

    @staticmethod
    def _actor_in_claims(conn: Connection, name: str) -> bool:
        c = s.claims.c
        return conn.execute(sa.select(c.id).where(sa.or_(c.actor1 == name, c.actor2 == name)).limit(1)
                            ).first() is not None

    def _regroup_near_duplicates(self, conn: Connection, group: str) -> None:
        rows = conn.execute(sa.select(s.articles.c.id, s.articles.c.article_key, s.articles.c.minhash)
                            .where(s.articles.c.near_duplicate_group == group)).all()
        signatures = {r.article_key: Signature.from_bytes(r.minhash) for r in rows if r.minhash}
        components = _components(sorted(r.article_key for r in rows),
                                 lambda x, y: x in signatures and y in signatures and
                                 self.near_duplicates.is_near_duplicate(signatures[x], signatures[y]))
        for component in components:
            conn.execute(s.articles.update().where(s.articles.c.article_key.in_(component))
                         .values(near_duplicate_group=min(component)))

    def _recluster(self, conn: Connection, cluster: str, article_key: str) -> None:
        """Split what is left of a component after a removal into its connected components and re-merge each."""
        rows = conn.execute(
            sa.select(s.claims.c.claim_key, s.claims.c.event_id, s.claims.c.cluster_key, s.claims.c.record,
                      s.articles.c.article_key)
            .join(s.articles, s.articles.c.id == s.claims.c.article_id)
            .where(s.claims.c.cluster_key == cluster)).all()
        current = {r.claim_key: (r.event_id, r.cluster_key) for r in rows}
        old_events = set(conn.execute(sa.select(s.events.c.event_id).where(s.events.c.cluster_key == cluster)
                                      ).scalars())
        claims = {r.claim_key: Claim(key=r.claim_key, article_key=r.article_key, event=event_from_json(r.record))
                  for r in rows}
        new_ids: set[str] = set()
        for component in _components(sorted(claims), lambda x, y: compatible(claims[x], claims[y], self.policy)):
            new_ids |= self._write_component(conn, [claims[k] for k in component], article_key, current)[0]
        for gone in sorted(old_events - new_ids):
            conn.execute(s.events.delete().where(s.events.c.event_id == gone))
            self._log(conn, gone, "superseded", article_key, {"by": sorted(new_ids)})

    def _link_near_duplicates(self, conn: Connection, article_id: int, key: str,
                              signature: Signature) -> tuple[str, ...]:
        bands = self.near_duplicates.band_hashes(signature)
        rows = conn.execute(
            sa.select(s.articles.c.article_key, s.articles.c.minhash, s.articles.c.near_duplicate_group)
            .join(s.article_bands, s.article_bands.c.article_id == s.articles.c.id)
            .where(s.article_bands.c.band_hash.in_(bands)).distinct()).all()
        conn.execute(s.article_bands.insert(), [{"band_hash": b, "article_id": article_id} for b in sorted(set(bands))])
        matches = sorted((row for row in rows if row.minhash and
                          self.near_duplicates.is_near_duplicate(signature, Signature.from_bytes(row.minhash))),
                         key=lambda row: row.article_key)
        if not matches:
            return ()
        groups = {row.near_duplicate_group for row in matches} | {key}
        group = min(groups | {row.article_key for row in matches})
        conn.execute(s.articles.update().where(s.articles.c.near_duplicate_group.in_(groups))
                     .values(near_duplicate_group=group))
        return tuple(row.article_key for row in matches)

    def _insert_claims(self, conn: Connection, article: Article, article_id: int, key: str,
                       events: Sequence[Event]) -> list[Claim]:
        claims: list[Claim] = []
        for index, event in enumerate(events):
            ckey = claim_key(key, index)
            record = event_to_json(event)
            stored_event = event_from_json(record)
            day = claim_day_range(stored_event)
            place_id = self._place_id(conn, stored_event)
            claim_id = conn.execute(s.claims.insert().values(
                claim_key=ckey, article_id=article_id, event_id=None, cluster_key=ckey,
                local_event_id=(event.event_id or "")[:128], place_id=place_id,
                attribution=event.attribution, attribution_en=event.attribution_en, confidence=event.confidence,
                **_event_row(stored_event, day, record),
            )).inserted_primary_key[0]
            self._actor_ids(conn, stored_event)
            self._insert_mentions(conn, article, article_id, claim_id, event)
            claims.append(Claim(key=ckey, article_key=key, event=stored_event))
        return claims

    def _insert_mentions(self, conn: Connection, article: Article, article_id: int, claim_id: int,
                         event: Event) -> None:
        rows = []
        for ev in event.evidence:
            if article.text[ev.start:ev.end] == ev.text:
                rows.append({"article_id": article_id, "claim_id": claim_id, "start": ev.start, "end": ev.end,
                             "label": "EVIDENCE", "text": ev.text, "value": None})
        for mention in event.extras.get("mentions", ()) if isinstance(event.extras, dict) else ():
            if isinstance(mention, Mention) and article.text[mention.start:mention.end] == mention.text:
                rows.append({"article_id": article_id, "claim_id": claim_id, "start": mention.start,
                             "end": mention.end, "label": mention.label[:32], "text": mention.text,
                             "value": _json_or_none(mention.value)})
        if rows:
            conn.execute(s.mentions.insert(), rows)

    # --- places and actors -------------------------------------------------------------------------------------

    def _place_id(self, conn: Connection, event: Event) -> int | None:
        if not (event.location or event.admin1 or event.country):
            return None
        coords = "" if event.latitude is None else f"{event.latitude:.4f},{event.longitude:.4f}"
        place_key = event.gazetteer_id or "|".join(
            [event.country_code or event.country or "", event.admin1 or "", event.location or "", coords])
        place_key = place_key[:512]
        row = conn.execute(sa.select(s.places.c.id, s.places.c.location_ar, s.places.c.geo_precision)
                           .where(s.places.c.place_key == place_key)).first()
        if row:
            # Claims name one gazetteer place in different words and precisions: keep the smallest of each,
            # so the table does not depend on ingest order.
            best_ar = min((v for v in (row.location_ar, event.location_ar) if v), default=None)
            best_precision = min((v for v in (row.geo_precision, event.geo_precision) if v is not None),
                                 default=None)
            if (best_ar, best_precision) != (row.location_ar, row.geo_precision):
                conn.execute(s.places.update().where(s.places.c.id == row.id)
                             .values(location_ar=best_ar, geo_precision=best_precision))
            return row.id
        return conn.execute(s.places.insert().values(
            place_key=place_key, country=event.country, country_code=event.country_code, admin1=event.admin1,
            admin2=event.admin2, location=event.location, location_ar=event.location_ar, latitude=event.latitude,
            longitude=event.longitude, geo_precision=event.geo_precision)).inserted_primary_key[0]

    def _actor_ids(self, conn: Connection, event: Event) -> tuple[int | None, int | None]:
        ids = []
        for name, name_ar, inter in ((event.actor1, event.actor1_ar, event.inter1),
                                     (event.actor2, event.actor2_ar, event.inter2)):
            if not name:
                ids.append(None)
                continue
            name = name[:512]
            row = conn.execute(sa.select(s.actors.c.id, s.actors.c.name_ar, s.actors.c.inter)
                               .where(s.actors.c.name == name)).first()
            if row is None:
                ids.append(conn.execute(s.actors.insert().values(name=name, name_ar=name_ar, inter=inter)
                                        ).inserted_primary_key[0])
                continue
            # Keep the smallest Arabic name and inter code seen, so the table does not depend on ingest order.
            best_ar = min((v for v in (row.name_ar, name_ar) if v), default=None)
            best_inter = min((v for v in (row.inter, inter) if v is not None), default=None)
            if (best_ar, best_inter) != (row.name_ar, row.inter):
                conn.execute(s.actors.update().where(s.actors.c.id == row.id)
                             .values(name_ar=best_ar, inter=best_inter))
            ids.append(row.id)
        return ids[0], ids[1]

    # --- merging -----------------------------------------------------------------------------------------------

    def _candidates(self, conn: Connection, claim: Claim) -> list[sa.Row]:
        day = claim.day_range
        if day is None or not claim.event.event_type:
            return []
        c = s.claims.c
        query = (sa.select(c.claim_key, c.cluster_key, c.record, s.articles.c.article_key)
                 .join(s.articles, s.articles.c.id == c.article_id)
                 .where(c.event_type == claim.event.event_type,
                        c.day_lo <= day[1] + self.policy.day_slack,
                        c.day_hi >= day[0] - self.policy.day_slack,
                        s.articles.c.article_key != claim.article_key))
        if claim.event.country_code:
            query = query.where(c.country_code == claim.event.country_code)
        return conn.execute(query).all()

    def _merge(self, conn: Connection, new_claims: list[Claim], article_key: str) -> tuple[int, int, int]:
        """Join each new claim's connected component, then re-partition the components it touched."""
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for claim in new_claims:
            find(claim.key)
            for row in self._candidates(conn, claim):
                other = Claim(key=row.claim_key, article_key=row.article_key, event=event_from_json(row.record))
                if compatible(claim, other, self.policy):
                    parent[find(row.cluster_key)] = find(claim.key)
        groups: dict[str, set[str]] = {}
        for member in list(parent):
            groups.setdefault(find(member), set()).add(member)

        created = updated = superseded = 0
        new_keys = {c.key for c in new_claims}
        for members in sorted(groups.values(), key=min):
            old_clusters = sorted(m for m in members if m not in new_keys)
            rows = conn.execute(
                sa.select(s.claims.c.claim_key, s.claims.c.event_id, s.claims.c.cluster_key, s.claims.c.record,
                          s.articles.c.article_key)
                .join(s.articles, s.articles.c.id == s.claims.c.article_id)
                .where(sa.or_(s.claims.c.cluster_key.in_(old_clusters),
                              s.claims.c.claim_key.in_(sorted(m for m in members if m in new_keys))))
            ).all()
            component = [Claim(key=r.claim_key, article_key=r.article_key, event=event_from_json(r.record))
                         for r in rows]
            old_events = {r.event_id for r in rows if r.event_id}
            current = {r.claim_key: (r.event_id, r.cluster_key) for r in rows}
            new_ids, made, changed = self._write_component(conn, component, article_key, current)
            created += made
            updated += changed
            for gone in sorted(old_events - new_ids):
                conn.execute(s.events.delete().where(s.events.c.event_id == gone))
                self._log(conn, gone, "superseded", article_key, {"by": sorted(new_ids)})
                superseded += 1
        return created, updated, superseded

    def _write_component(self, conn: Connection, component: list[Claim], article_key: str,
                         current: dict[str, tuple[str | None, str]]) -> tuple[set[str], int, int]:
        """Partition one connected component into events and write them: (their ids, created, updated).

        `current` maps claim key → (event id, cluster key) as stored, so unchanged rows are not rewritten.
        """
        cluster = min(c.key for c in component)
        new_ids: set[str] = set()
        created = updated = 0
        for block in partition(component, self.policy):
            event = merge_block(block)
            new_ids.add(event.event_id)
            action = self._write_event(conn, event, cluster, article_key)
            created += action == "created"
            updated += action == "updated"
            moved = [c.key for c in block if current.get(c.key) != (event.event_id, cluster)]
            if moved:
                conn.execute(s.claims.update().where(s.claims.c.claim_key.in_(moved))
                             .values(event_id=event.event_id, cluster_key=cluster))
        return new_ids, created, updated

    def _write_event(self, conn: Connection, event: Event, cluster: str, article_key: str) -> str:
        record = event_to_json(event)
        existing = conn.execute(sa.select(s.events.c.record, s.events.c.cluster_key)
                                .where(s.events.c.event_id == event.event_id)).first()
        if existing is not None and existing.record == record:
            if existing.cluster_key != cluster:
                conn.execute(s.events.update().where(s.events.c.event_id == event.event_id)
                             .values(cluster_key=cluster))
            return "unchanged"
        place_id = self._place_id(conn, event)
        actor1_id, actor2_id = self._actor_ids(conn, event)
        values = dict(event_id=event.event_id, cluster_key=cluster,
                      number_of_sources=int(event.extras.get("number_of_sources", 1)), place_id=place_id,
                      actor1_id=actor1_id, actor2_id=actor2_id, search_text=search_text_for(event),
                      **_event_row(event, claim_day_range(event), record))
        detail = {"sources": values["number_of_sources"], "claims": len(event.extras.get("claims", [])),
                  "fatalities": event.fatalities}
        if existing is None:
            conn.execute(s.events.insert().values(**values))
            self._log(conn, event.event_id, "created", article_key, detail)
            return "created"
        conn.execute(s.events.update().where(s.events.c.event_id == event.event_id).values(**values))
        self._log(conn, event.event_id, "updated", article_key, detail)
        return "updated"

    def _log(self, conn: Connection, event_id: str, action: str, article_key: str, detail: dict[str, Any]) -> None:
        conn.execute(s.revisions.insert().values(event_id=event_id, action=action, article_key=article_key,
                                                 detail=json.dumps(detail, sort_keys=True, ensure_ascii=False),
                                                 at=datetime.now(timezone.utc)))

    # --- queries -----------------------------------------------------------------------------------------------

    def events(self, where: EventFilter | None = None) -> Iterator[Event]:
        """Merged events matching `where`, by date then id."""
        where = where or EventFilter()
        e = s.events.c
        query = sa.select(e.record).order_by(e.event_date.is_(None), e.event_date, e.event_id)
        if where.country:
            query = query.where(sa.or_(sa.func.lower(e.country) == where.country.lower(),
                                       e.country_code == where.country.upper()))
        if where.admin1:
            query = query.where(sa.func.lower(e.admin1) == where.admin1.lower())
        if where.date_from:
            query = query.where(e.event_date >= str(where.date_from))
        if where.date_to:
            query = query.where(e.event_date <= str(where.date_to))
        if where.event_type:
            wanted = where.event_type.lower()
            query = query.where(sa.or_(sa.func.lower(e.event_type) == wanted, sa.func.lower(e.sub_event_type) == wanted))
        if where.actor:
            pattern = _like_pattern(fold(where.actor).casefold())
            query = query.where(sa.or_(sa.func.lower(e.actor1).like(_like_pattern(where.actor.lower()), escape="\\"),
                                       sa.func.lower(e.actor2).like(_like_pattern(where.actor.lower()), escape="\\"),
                                       e.search_text.like(pattern, escape="\\")))
        if where.min_fatalities is not None:
            query = query.where(e.fatalities >= where.min_fatalities)
        if where.text:
            query = query.where(e.search_text.like(_like_pattern(fold(where.text).casefold()), escape="\\"))
        if where.limit is not None:
            query = query.limit(where.limit)
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                yield event_from_json(row.record)

    def claims_of(self, event_id: str) -> list[Event]:
        """The per-article events (claims) merged into `event_id`, in claim order."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(s.claims.c.record).where(s.claims.c.event_id == event_id)
                                .order_by(s.claims.c.claim_key)).all()
        return [event_from_json(r.record) for r in rows]

    def counts(self) -> StoreCounts:
        with self.engine.connect() as conn:
            def count(table: sa.Table, *where: Any) -> int:
                return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
            return StoreCounts(articles=count(s.articles), claims=count(s.claims), events=count(s.events),
                               near_duplicate_articles=count(s.articles, s.articles.c.near_duplicate_group
                                                             != s.articles.c.article_key))

    def canonical_dump(self, include_revisions: bool = True) -> str:
        """Every table as sorted JSON lines keyed by natural keys: equal dumps mean equal stores.

        Surrogate ids and wall-clock times are left out; revisions keep their order, not their numbers.
        """
        lines: list[str] = []
        with self.engine.connect() as conn:
            article_keys = dict(conn.execute(sa.select(s.articles.c.id, s.articles.c.article_key)).all())
            claim_keys = dict(conn.execute(sa.select(s.claims.c.id, s.claims.c.claim_key)).all())
            place_keys = dict(conn.execute(sa.select(s.places.c.id, s.places.c.place_key)).all())
            actor_names = dict(conn.execute(sa.select(s.actors.c.id, s.actors.c.name)).all())

            def table_lines(name: str, rows: Iterable[dict[str, Any]]) -> list[str]:
                return sorted(f"{name}\t" + json.dumps(r, sort_keys=True, ensure_ascii=False, default=str)
                              for r in rows)

            arts = []
            for r in conn.execute(sa.select(s.articles)).mappings():
                row = {k: v for k, v in r.items() if k not in ("id", "text", "minhash")}
                row["text_sha256"] = hashlib.sha256(r["text"].encode("utf-8")).hexdigest()
                row["minhash_sha1"] = hashlib.sha1(r["minhash"]).hexdigest() if r["minhash"] else None
                arts.append(row)
            lines += table_lines("articles", arts)
            lines += table_lines("article_bands", ({"band_hash": r.band_hash, "article": article_keys[r.article_id]}
                                                   for r in conn.execute(sa.select(s.article_bands))))
            lines += table_lines("places", ({k: v for k, v in r.items() if k != "id"}
                                            for r in conn.execute(sa.select(s.places)).mappings()))
            lines += table_lines("actors", ({k: v for k, v in r.items() if k != "id"}
                                            for r in conn.execute(sa.select(s.actors)).mappings()))
            lines += table_lines("claims", ({**{k: v for k, v in r.items() if k not in ("id", "article_id", "place_id")},
                                             "article": article_keys[r["article_id"]],
                                             "place": place_keys.get(r["place_id"])}
                                            for r in conn.execute(sa.select(s.claims)).mappings()))
            lines += table_lines("mentions", ({**{k: v for k, v in r.items()
                                                  if k not in ("id", "article_id", "claim_id")},
                                               "article": article_keys[r["article_id"]],
                                               "claim": claim_keys.get(r["claim_id"])}
                                              for r in conn.execute(sa.select(s.mentions)).mappings()))
            lines += table_lines("events", ({**{k: v for k, v in r.items()
                                                if k not in ("id", "place_id", "actor1_id", "actor2_id")},
                                             "place": place_keys.get(r["place_id"]),
                                             "actor1_ref": actor_names.get(r["actor1_id"]),
                                             "actor2_ref": actor_names.get(r["actor2_id"])}
                                            for r in conn.execute(sa.select(s.events)).mappings()))
            if include_revisions:
                for order, r in enumerate(conn.execute(sa.select(s.revisions).order_by(s.revisions.c.seq))):
                    lines.append("revisions\t" + json.dumps(
                        {"order": order, "event_id": r.event_id, "action": r.action, "article": r.article_key,
                         "detail": r.detail}, sort_keys=True, ensure_ascii=False))
        return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True, order=False)
class _Version:
    published: date | None
    length: int
    key: str
    external_id: str
    url: str

    def preferred_to(self, other: _Version) -> bool:
        """Later publication, then longer text, then the smaller hash, id and URL (any total order would do)."""
        mine = (self.published.isoformat() if self.published else "", self.length)
        theirs = (other.published.isoformat() if other.published else "", other.length)
        if mine != theirs:
            return mine > theirs
        return (self.key, self.external_id, self.url) < (other.key, other.external_id, other.url)


def _components(keys: Sequence[str], linked: Any) -> list[list[str]]:
    """Connected components of `keys` under the symmetric relation `linked`, each sorted, in key order."""
    parent = {k: k for k in keys}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, x in enumerate(keys):
        for y in keys[i + 1:]:
            if find(x) != find(y) and linked(x, y):
                parent[find(y)] = find(x)
    groups: dict[str, list[str]] = {}
    for k in keys:
        groups.setdefault(find(k), []).append(k)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def _event_row(event: Event, day: tuple[int, int] | None, record: str) -> dict[str, Any]:
    return dict(
        event_type=event.event_type[:64], sub_event_type=event.sub_event_type[:64], modality=event.modality[:32],
        event_date=(event.event_date or None) and event.event_date[:10], time_precision=event.time_precision,
        day_lo=day[0] if day else None, day_hi=day[1] if day else None,
        country=event.country, country_code=event.country_code, admin1=event.admin1, admin2=event.admin2,
        location=event.location, latitude=event.latitude, longitude=event.longitude,
        geo_precision=event.geo_precision, actor1=event.actor1, actor2=event.actor2,
        fatalities=event.fatalities, best=event.best, low=event.low, high=event.high, record=record,
    )


def _json_or_none(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return json.dumps(repr(value), ensure_ascii=False)


__all__ = ["open_store", "EventStore", "EventFilter", "AddResult", "PendingArticle", "StoreCounts", "StoreError", "resolve_db_url",
           "default_db_url", "article_key_for"]
