"""Opening the store for the API: `rasd.store.open_store` (its schema and migrations) plus the API's own
tables (tokens, corrections) in the same database, created by the API itself."""
from __future__ import annotations

import os

from rasd.api.tables import api_metadata
from rasd.store.db import EventStore, StoreError, open_store

__all__ = ["open_api_store", "StoreError"]


def open_api_store(db: str | os.PathLike[str] | None = None) -> EventStore:
    """The store at `db` (path or URL; default $RASD_DB, else ~/.local/share/rasd/rasd.db) with the API's tables."""
    store = open_store(db)
    api_metadata.create_all(store.engine)
    return store
