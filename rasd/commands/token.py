"""`rasd token create|list|revoke`: API tokens for the write endpoints."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Optional

import typer
from rich.console import Console

token_app = typer.Typer(help="API tokens: writes (submit, correct, merge, split, reject) need one.",
                        no_args_is_help=True)


def _engine(db: Optional[str]):
    from rasd.api.db import StoreError, open_api_store
    try:
        return open_api_store(db).engine
    except StoreError as exc:
        Console(stderr=True).print(f"[red]rasd token:[/] {exc}")
        raise typer.Exit(2) from None


@contextmanager
def _database_errors(engine):
    """A database error after opening (a damaged page, B8) is one line and exit 2 or 1, as in rasd ingest."""
    from rich.markup import escape
    from sqlalchemy.exc import DatabaseError

    from rasd.commands.store_errors import database_failure
    try:
        yield
    except DatabaseError as exc:
        message, code = database_failure(exc, engine.url)
        Console(stderr=True).print(f"[red]rasd token:[/] {escape(message)}", soft_wrap=True)
        raise typer.Exit(code) from None


DB_OPTION = typer.Option(None, "--db", help="Database URL or SQLite file; default $RASD_DB, else "
                                            "~/.local/share/rasd/rasd.db.")


@token_app.command("create")
def create(name: str = typer.Argument(..., help="Who or what uses the token; it signs their corrections."),
           db: Optional[str] = DB_OPTION) -> None:
    """Create a token and print it once (only its hash is stored).

    Example: rasd token create alice
    """
    from rasd.api.tokens import TokenError, create_token
    engine = _engine(db)
    try:
        with _database_errors(engine):
            secret = create_token(engine, name)
    except TokenError as exc:
        Console(stderr=True).print(f"[red]rasd token:[/] {exc}")
        raise typer.Exit(2)
    print(secret)


@token_app.command("list")
def list_(db: Optional[str] = DB_OPTION) -> None:
    """List tokens by name (never the secrets)."""
    from rasd.api.tokens import list_tokens
    engine = _engine(db)
    with _database_errors(engine):
        tokens = list_tokens(engine)
    for info in tokens:
        print(f"{info.name}\t{info.created_at:%Y-%m-%d %H:%M}\t{'revoked' if info.revoked else 'active'}")


@token_app.command("revoke")
def revoke(name: str = typer.Argument(...), db: Optional[str] = DB_OPTION) -> None:
    """Revoke a token: requests with it are refused from now on."""
    from rasd.api.tokens import TokenError, revoke_token
    engine = _engine(db)
    try:
        with _database_errors(engine):
            revoke_token(engine, name)
    except TokenError as exc:
        Console(stderr=True).print(f"[red]rasd token:[/] {exc}")
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")
