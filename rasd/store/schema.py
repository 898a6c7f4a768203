"""The store's schema, one definition for SQLite and PostgreSQL (SQLAlchemy Core).

Migrations in `rasd/store/migrations/versions/` create exactly these tables; a test compares the migrated
database with this metadata, so a change here without a migration fails.

Natural keys (not the surrogate ids) link what a canonical dump compares: `articles.article_key` is the
SHA-256 of the article text, `claims.claim_key` is that hash plus the event's index in the pipeline's
output, `events.event_id` is derived from the smallest claim key of the event.
"""
from __future__ import annotations

from sqlalchemy import (BigInteger, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
                        MetaData, String, Table, Text)

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_key", String(64), nullable=False, unique=True),   # sha256 of the text
    Column("external_id", String(512), nullable=False),               # the id the input gave
    Column("canonical_url", String(2048), index=True),
    Column("url", Text, nullable=False, default=""),
    Column("title", Text, nullable=False, default=""),
    Column("outlet", String(256), nullable=False, default=""),
    Column("published", Date),
    Column("text", Text, nullable=False),
    Column("minhash", LargeBinary),                                   # uint32 MinHash signature
    Column("near_duplicate_group", String(64), index=True),           # smallest article_key of its group
    Column("n_events", Integer, nullable=False, default=0),
)

# MinHash LSH bands: articles sharing a band hash are near-duplicate candidates.
article_bands = Table(
    "article_bands", metadata,
    Column("band_hash", BigInteger, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)

places = Table(
    "places", metadata,
    Column("id", Integer, primary_key=True),
    Column("place_key", String(512), nullable=False, unique=True),   # gazetteer id, else country|admin1|location
    Column("country", String(128)),
    Column("country_code", String(8)),
    Column("admin1", String(256)),
    Column("admin2", String(256)),
    Column("location", String(512)),
    Column("location_ar", String(512)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("geo_precision", Integer),
)

actors = Table(
    "actors", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(512), nullable=False, unique=True),
    Column("name_ar", String(512)),
    Column("inter", Integer),
)

def _event_columns() -> list[Column]:
    """The event fields events and claims share (fresh Column objects for each table)."""
    return [
        Column("event_type", String(64), nullable=False),
        Column("sub_event_type", String(64), nullable=False),
        Column("modality", String(32), nullable=False),
        Column("event_date", String(10), index=True),
        Column("time_precision", Integer),
        Column("day_lo", Integer, index=True),            # proleptic ordinal of the first possible day
        Column("day_hi", Integer, index=True),
        Column("country", String(128)),
        Column("country_code", String(8), index=True),
        Column("admin1", String(256)),
        Column("admin2", String(256)),
        Column("location", String(512)),
        Column("latitude", Float),
        Column("longitude", Float),
        Column("geo_precision", Integer),
        Column("actor1", String(512)),
        Column("actor2", String(512)),
        Column("fatalities", Integer),
        Column("best", Integer),
        Column("low", Integer),
        Column("high", Integer),
        Column("record", Text, nullable=False),           # the full JSON record
    ]

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", String(40), nullable=False, unique=True),
    Column("cluster_key", String(64), nullable=False, index=True),
    Column("number_of_sources", Integer, nullable=False),
    Column("place_id", Integer, ForeignKey("places.id")),
    Column("actor1_id", Integer, ForeignKey("actors.id")),
    Column("actor2_id", Integer, ForeignKey("actors.id")),
    Column("search_text", Text, nullable=False, default=""),   # folded Arabic + lower-cased English
    *_event_columns(),
)

# One article's claim about one event: its own date, place, actors, counts, attribution and evidence.
claims = Table(
    "claims", metadata,
    Column("id", Integer, primary_key=True),
    Column("claim_key", String(64), nullable=False, unique=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("event_id", String(40), index=True),                  # the merged event it belongs to
    Column("cluster_key", String(64), nullable=False, index=True),
    Column("local_event_id", String(128), nullable=False),       # the pipeline's id within the article
    Column("place_id", Integer, ForeignKey("places.id")),
    Column("attribution", Text),
    Column("attribution_en", Text),
    Column("confidence", Float),
    *_event_columns(),
)
Index("ix_claims_blocking", claims.c.country_code, claims.c.event_type, claims.c.day_lo)

mentions = Table(
    "mentions", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("claim_id", Integer, ForeignKey("claims.id", ondelete="CASCADE"), index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("label", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("value", Text),                                       # JSON payload, when there is one
)

revisions = Table(
    "revisions", metadata,
    Column("seq", Integer, primary_key=True),
    Column("event_id", String(40), nullable=False, index=True),
    Column("action", String(16), nullable=False),                # created | updated | superseded
    Column("article_key", String(64)),                           # the article whose ingest caused it
    Column("detail", Text, nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
)

