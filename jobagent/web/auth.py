"""Bearer-token checks for the shim.

Tokens come from ``API_TOKENS`` (comma-separated). Every candidate is compared with
``hmac.compare_digest`` and the loop never stops early, so the response time says nothing about how much
of a token matched or which token it was. With no tokens configured the API is closed (fail closed):
an operator who forgot ``API_TOKENS`` gets 401s, not an open API.
"""

from __future__ import annotations

import hmac
import ipaddress

from flask import Request


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_is_valid(token: str | None, tokens: list[str]) -> bool:
    """Constant-time membership test over all configured tokens."""
    if not token or not tokens:
        return False
    given = token.encode()
    ok = False
    for candidate in tokens:
        ok |= hmac.compare_digest(given, candidate.encode())
    return ok


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
