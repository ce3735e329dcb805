"""Bearer-token checks for the shim: which actor (owner, admin or not) a request's token stands for.

Tokens are the operator's ``API_TOKENS`` (comma-separated, admin) and those made with ``jobagent tokens
create`` (looked up in the store by hash on every request, so a revoke takes effect at once); the check
itself is the core API's ``jobagent.api.tokens.authenticate``. ``API_TOKENS`` entries are compared with
``hmac.compare_digest`` in a loop that never stops early. With no token configured or created the API is
closed (fail closed): 401s, not an open API.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from flask import Request

if TYPE_CHECKING:
    from jobagent.api.tokens import Actor
    from jobagent.config import Settings


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def actor_for(token: str | None, settings: Settings) -> Actor | None:
    """The actor a token stands for, or None: no such token, or a revoked one."""
    from jobagent.api.tokens import authenticate

    return authenticate(token, settings=settings)


def is_loopback(remote_addr: str | None) -> bool:
    """Whether the TCP peer is this host (Caddy on the same machine, or an operator's SSH tunnel).

    Deliberately the socket peer, not ``X-Forwarded-For``: that header is set by whoever sends the request.
    """
    if not remote_addr:
        return False
    try:
        return ipaddress.ip_address(remote_addr.split("%", 1)[0]).is_loopback
    except ValueError:
        return False
