"""The API's own tables, in the store's database: API tokens and the corrections log.

Corrections are kept apart from the store's event rows on purpose: re-extraction (`rasd ingest` again, a
better extractor) rewrites `events.record`, and the corrections are replayed over it on every read, so a
person's fix survives it. Every correction row says who (the token's name) and when.
"""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Text

api_metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
})

api_tokens = Table(
    "api_tokens", api_metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),   # sha256 of the secret; never the secret
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

# action: edit | reject | restore | merge | split. payload: JSON (see rasd.api.corrections).
api_corrections = Table(
    "api_corrections", api_metadata,
    Column("seq", Integer, primary_key=True),
    Column("event_id", String(64), nullable=False, index=True),
    Column("action", String(16), nullable=False),
    Column("payload", Text, nullable=False),
    Column("author", String(128), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
