"""API tokens: `rasd token create NAME` prints a secret once; the database keeps only its SHA-256."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from rasd.api.tables import api_tokens

TOKEN_PREFIX = "rasd_"
# A token older than this is refused (create a new one); `rasd serve --token-days` changes it.
DEFAULT_TOKEN_MAX_AGE = timedelta(days=365)


class TokenError(ValueError):
    """A token cannot be created or revoked; the message says why."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    name: str
    created_at: datetime
    revoked: bool


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(engine: Engine, name: str) -> str:
    """Create a token called `name`; returns the secret (shown once, not stored)."""
    name = name.strip()
    if not name or len(name) > 128:
        raise TokenError("a token name is 1–128 characters")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with engine.begin() as conn:
            conn.execute(insert(api_tokens).values(name=name, token_hash=_hash(secret),
                                                   created_at=datetime.now(timezone.utc), revoked=False))
    except IntegrityError as exc:
        raise TokenError(f"a token called {name!r} exists; revoke it or choose another name") from exc
    return secret


def revoke_token(engine: Engine, name: str) -> None:
    with engine.begin() as conn:
        result = conn.execute(update(api_tokens).where(api_tokens.c.name == name).values(revoked=True))
    if result.rowcount == 0:
        raise TokenError(f"no token called {name!r}")


def list_tokens(engine: Engine) -> list[TokenInfo]:
    with engine.connect() as conn:
        rows = conn.execute(select(api_tokens.c.name, api_tokens.c.created_at, api_tokens.c.revoked)
                            .order_by(api_tokens.c.name)).all()
    return [TokenInfo(name=r.name, created_at=r.created_at, revoked=bool(r.revoked)) for r in rows]


def token_owner(engine: Engine, secret: str, max_age: timedelta | None = DEFAULT_TOKEN_MAX_AGE) -> str | None:
    """The name of the live token whose secret this is, else None."""
    owner, _ = check_token(engine, secret, max_age)
    return owner


def check_token(engine: Engine, secret: str,
                max_age: timedelta | None = DEFAULT_TOKEN_MAX_AGE) -> tuple[str | None, str]:
    """(owner, "") for a live token, else (None, why it is refused)."""
    if not secret:
        return None, "no token"
    with engine.connect() as conn:
        row = conn.execute(select(api_tokens.c.name, api_tokens.c.created_at, api_tokens.c.revoked)
                           .where(api_tokens.c.token_hash == _hash(secret))).first()
    if row is None:
        return None, "the API token is unknown"
    if row.revoked:
        return None, "the API token is revoked"
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=timezone.utc)
    if max_age is not None and datetime.now(timezone.utc) - created > max_age:
        return None, f"the API token expired ({max_age.days} days after {created:%Y-%m-%d}); create a new one"
    return row.name, ""
