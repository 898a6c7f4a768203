"""Alembic environment: always run programmatically with a connection handed over by `rasd.store.db`."""
from __future__ import annotations

from alembic import context

from rasd.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("rasd migrations run through rasd.store.open_store(), which passes a connection")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
