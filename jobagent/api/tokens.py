"""API tokens with an owner (issue 23 item 8): create, list, revoke, and the shim's token-to-actor check.

Why owners: without them any token could read and change any profile, board and run by id. A token made
here has a name, and what is created through it (profiles, runs) carries that name as its owner; a
non-admin token sees only its owner's rows, everything else answers "not found". ``--admin`` tokens and
the operator's ``API_TOKENS`` see every owner's rows; the CLI on the box is the operator (``OPERATOR``).

Only the sha256 of a token is stored: the secret is shown once, at creation. The shim looks every
request's token up in the store (by its hash: no cache), so a token created or revoked here takes effect
on the next request without a restart. A revoked name can be created again: the owner keeps their rows
and gets a new secret, while the old one stays dead.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from jobagent.actors import OPERATOR, Actor
from jobagent.config import Settings, get_settings
from jobagent.errors import InvalidInput, NotFound
from jobagent.store.models import ApiToken, utcnow
from jobagent.store.session import session_scope
from jobagent.submission import ensure_schema

__all__ = ["OPERATOR", "Actor", "NewToken", "TokenView", "authenticate", "create_token", "list_tokens",
           "revoke_token", "token_hash"]

PREFIX = "jat_"  # recognisable in logs and secret scanners
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")


class TokenView(BaseModel):
    """A token as listings show it: never the secret, nor its hash."""

    name: str
    admin: bool
    created_at: str | None  # ISO 8601, UTC
    revoked: bool
    revoked_at: str | None


class NewToken(BaseModel):
    """What creating a token returns, the one time its secret is known."""

    name: str
    admin: bool
    token: str


def token_hash(token: str) -> str:
    """The stored form of a token: hex sha256 (the secret has 256 random bits, so no salt or slow hash).

    :param token: the secret as the client sends it.

    Example::

        assert len(token_hash("secret")) == 64
    """
    return hashlib.sha256(token.encode()).hexdigest()


def _check_name(name: str) -> str:
    checked = (name or "").strip()
    if not _NAME.fullmatch(checked):
        raise InvalidInput(f"token name {name!r} must be 1-100 letters, digits or . _ @ - (starting with a letter "
                           "or digit)")
    return checked


def _view(row: ApiToken) -> TokenView:
    return TokenView(name=row.name, admin=row.admin, created_at=row.created_at.isoformat() if row.created_at else None,
                     revoked=row.revoked_at is not None,
                     revoked_at=row.revoked_at.isoformat() if row.revoked_at else None)


def create_token(name: str, *, admin: bool = False, settings: Settings | None = None) -> NewToken:
    """A new token for ``name``; refused while ``name`` has a live token (revoke it first).

    :param name: the owner's name (one live token per name).
    :param admin: the token sees every profile, not only its owner's.

    Example::

        new = create_token("ada")
        print(new.token)  # shown once; only its hash is stored
    """
    checked = _check_name(name)
    settings = settings or get_settings()
    ensure_schema(settings)
    token = PREFIX + secrets.token_urlsafe(32)
    with session_scope(settings.effective_database_url) as s:
        row = s.scalar(select(ApiToken).where(ApiToken.name == checked).with_for_update())
        if row is not None and row.revoked_at is None:
            raise InvalidInput(f"token {checked} exists; revoke it before creating a new one")
        if row is None:
            row = ApiToken(name=checked)
            s.add(row)
        row.token_hash, row.admin, row.created_at, row.revoked_at = token_hash(token), admin, utcnow(), None
    return NewToken(name=checked, admin=admin, token=token)


def list_tokens(*, settings: Settings | None = None) -> list[TokenView]:
    """Every token by name, revoked ones included (the ``API_TOKENS`` setting is not listed).

    Example::

        for t in list_tokens():
            print(t.name, t.admin, t.revoked)
    """
    settings = settings or get_settings()
    ensure_schema(settings)
    with session_scope(settings.effective_database_url) as s:
        return [_view(row) for row in s.scalars(select(ApiToken).order_by(ApiToken.name))]


def revoke_token(name: str, *, settings: Settings | None = None) -> TokenView:
    """Revoke ``name``'s token: the shim refuses it from the next request on. Revoking twice is harmless.

    :param name: the owner whose token to revoke.

    Example::

        revoke_token("ada")
    """
    checked = _check_name(name)
    settings = settings or get_settings()
    ensure_schema(settings)
    with session_scope(settings.effective_database_url) as s:
        row = s.scalar(select(ApiToken).where(ApiToken.name == checked).with_for_update())
        if row is None:
            raise NotFound(f"token {checked} not found")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
        s.flush()
        return _view(row)


def _operator_token(given: bytes, tokens: list[str]) -> bool:
    """Constant-time membership over every ``API_TOKENS`` entry (the loop never stops early)."""
    ok = False
    for candidate in tokens:
        ok |= hmac.compare_digest(given, candidate.encode())
    return ok


def authenticate(token: str | None, *, settings: Settings) -> Actor | None:
    """The actor a bearer token stands for, or None (no such token, or revoked).

    ``API_TOKENS`` are the operator's (admin, owner NULL); any other token is looked up by its hash, on
    every call, so revocation is immediate.

    :param token: the bearer token a request carried; None for none.

    Example::

        actor = authenticate(request_token, settings=get_settings())
        if actor is None:
            ...  # 401
    """
    if not token:
        return None
    if _operator_token(token.encode(), settings.api_token_list()):
        return OPERATOR
    digest = token_hash(token)
    row = _live_token(digest, settings)
    if row is None or not hmac.compare_digest(row[2], digest):
        return None
    return Actor(name=row[0], admin=bool(row[1]))


_LOOKUP = "SELECT name, admin, token_hash FROM api_tokens WHERE token_hash = %s AND revoked_at IS NULL"


def _live_token(digest: str, settings: Settings) -> tuple[Any, ...] | None:
    """(name, admin, hash) of the unrevoked token with this hash. On PostgreSQL one round trip on the
    submission path's own connections (every request pays it); elsewhere through SQLAlchemy."""
    url = settings.effective_database_url
    if url.startswith("postgresql"):
        from jobagent.submission_pg import read_row

        return read_row(url, _LOOKUP, [digest])
    ensure_schema(settings)
    with session_scope(url) as s:
        row = s.execute(select(ApiToken.name, ApiToken.admin, ApiToken.token_hash)
                        .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None))).first()
    return None if row is None else tuple(row)
