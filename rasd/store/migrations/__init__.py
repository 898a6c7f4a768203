"""Alembic migrations shipped with the package and applied by `rasd.store.open_store` on open."""
