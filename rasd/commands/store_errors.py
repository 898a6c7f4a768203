"""One line, and the exit status, for a database error met after the store opened (bug B8).

`open_store` already turns every failure at opening into a `StoreError`. Damage deeper in a SQLite file (an
overwritten index or record page) is only met when a command reads or writes that page, as
`sqlalchemy.exc.DatabaseError` ("database disk image is malformed") or `OperationalError` ("Could not decode
to UTF-8 column …"). The commands print this module's line instead of a traceback.

Exit statuses follow `rasd extract`: 2 for bad input or environment (an unusable store, like a `StoreError`),
1 for a failure that another run may not meet (the write lock held too long, a lost server connection).
"""
from __future__ import annotations

EXIT_BAD_INPUT = 2
EXIT_RETRY = 1

_TRANSIENT_SQLITE = ("locked", "busy")


def database_failure(error: Exception, url) -> tuple[str, int]:
    """The message (without the command's prefix) and exit status for ``error``, a
    `sqlalchemy.exc.DatabaseError` raised while using the store at ``url`` (a `sqlalchemy.engine.URL`)."""
    from sqlalchemy.exc import OperationalError

    cause = getattr(error, "orig", None) or error
    reason = " ".join(str(cause).split()) or type(cause).__name__
    if len(reason) > 160:                # "Could not decode to UTF-8 column 'record' with text '<the page>'"
        reason = reason[:160] + "…"
    run_again = f"database error: {reason}. What was stored so far is kept: run the same command again to continue."
    if url.get_backend_name() != "sqlite":
        if isinstance(error, OperationalError):     # a lost or refused PostgreSQL connection
            return run_again, EXIT_RETRY
        return f"database error: {reason}.", EXIT_BAD_INPUT
    if isinstance(error, OperationalError) and any(word in reason.lower() for word in _TRANSIENT_SQLITE):
        return run_again, EXIT_RETRY
    import shlex
    path = shlex.quote(url.database) if url.database else "FILE"
    damaged = (f"database error: {reason}. The file may be damaged: check it with "
               f"sqlite3 {path} 'PRAGMA integrity_check' (restore it from a backup, or ingest into a new file).")
    return damaged, EXIT_BAD_INPUT
