"""Fetching user-supplied URLs from workers that run on a cloud VPS.

A CV URL comes from the user, so without checks it is a way to make our workers read internal services
(the cloud metadata endpoint at 169.254.169.254, a database admin page on localhost, ...). Every hop of a
fetch is therefore checked, redirects are followed by hand, and the body size is capped while streaming.

Known limit: the name is resolved again by httpx when connecting, so a DNS server that answers differently
the second time (DNS rebinding) is not stopped here; a network-level egress policy is the real fence.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from jobagent.errors import InvalidInput

MAX_REDIRECTS = 5
_ALLOW_HINT = "set JOBAGENT_ALLOW_PRIVATE_URLS=true to allow"
_REDIRECT_CODES = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class FetchedDocument:
    content: bytes
    content_type: str | None
    final_url: str
    # Contract shared with h1 (issue 11/12): conditional requests need the status and the validators.
    status_code: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names


def human_size(n: int) -> str:
    """Sizes in messages the user reads, so a 10 MB cap does not show up as 10485760 bytes."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    if n >= 1024:
        return f"{n / 1024:.3g} KB"
    return f"{n} bytes"


def _forbidden_reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    # An IPv6 form of an IPv4 address (::ffff:127.0.0.1) reaches the same host, so judge the IPv4 one.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # Order matters: 127.0.0.1 and 169.254.x are "private" too, but the specific name helps more.
    checks = [
        ("is_loopback", "a loopback"),
        ("is_link_local", "a link-local"),
        ("is_unspecified", "an unspecified"),
        ("is_multicast", "a multicast"),
        ("is_private", "a private"),
        ("is_reserved", "a reserved"),
    ]
    for attr, label in checks:
        if getattr(ip, attr):
            return f"{ip} is {label} address"
    if not ip.is_global:  # e.g. 100.64.0.0/10 carrier-grade NAT, which is neither private nor public
        return f"{ip} is not a public address"
    return None


def check_url(url: str, *, allow_private: bool = False) -> None:
    """Refuse URLs that would make a worker talk to itself or its private network.

    Run before storing a submission and again on every fetch hop, because a public URL can redirect
    to a private one. ``allow_private`` exists for local development and tests only.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(f"refused URL {url}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = scheme or "none"
        raise InvalidInput(f"refused URL {url}: only http and https URLs are supported, not {shown}")
    host = parts.hostname
    if not host:
        raise InvalidInput(f"refused URL {url}: no host name")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port or (443 if scheme == "https" else 80), type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InvalidInput(f"refused URL {url}: cannot resolve host {host} ({reason})") from None
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id such as fe80::1%eth0
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            raise InvalidInput(f"refused URL {url}: {host} resolves to unusable address {address}") from None
        reason = _forbidden_reason(ip)
        if reason:
            raise InvalidInput(f"refused URL {url}: {reason} ({_ALLOW_HINT})")


def fetch_url(url: str, *, max_bytes: int, timeout: float, allow_private: bool = False,
              user_agent: str = "jobagent/0.1", headers: Mapping[str, str] | None = None) -> FetchedDocument:
    """Download a user-supplied URL with every safety check applied.

    Redirects are followed by hand so each hop goes through ``check_url``; the body is streamed so a huge
    or endless response costs at most ``max_bytes`` of memory. Every failure is one ``InvalidInput`` line,
    because the cause (bad URL, dead host, wrong file) is something only the user can fix.
    ``headers`` adds request headers (``If-None-Match``/``If-Modified-Since``); a 304 answer is returned as
    a document with ``status_code=304`` and no content, not raised.
    """
    current = url
    sent = {"User-Agent": user_agent, **dict(headers or {})}
    with httpx.Client(follow_redirects=False, timeout=timeout, headers=sent) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(current, allow_private=allow_private)
            try:
                with client.stream("GET", current) as resp:
                    location = resp.headers.get("location")
                    if resp.status_code in _REDIRECT_CODES and location:
                        current = str(resp.url.join(location))
                        continue
                    answer = {k.lower(): v for k, v in resp.headers.items()}
                    if resp.status_code == 304 and headers:
                        return FetchedDocument(content=b"", content_type=resp.headers.get("content-type"),
                                               final_url=str(resp.url), status_code=304, headers=answer)
                    _check_status(url, resp)
                    content = _read_capped(url, resp, max_bytes)
                    return FetchedDocument(content=content, content_type=resp.headers.get("content-type"),
                                           final_url=str(resp.url), status_code=resp.status_code,
                                           headers=answer)
            except httpx.TimeoutException:
                raise InvalidInput(f"could not fetch {current}: timed out after {timeout:g} s") from None
            except httpx.InvalidURL as exc:
                raise InvalidInput(f"could not fetch {current}: invalid URL ({exc})") from None
            except httpx.HTTPError as exc:
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise InvalidInput(f"could not fetch {current}: {reason}") from None
    raise InvalidInput(f"could not fetch {url}: more than {MAX_REDIRECTS} redirects")


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _check_status(url: str, resp: httpx.Response) -> None:
    if resp.status_code >= 400:
        exc = InvalidInput(f"could not fetch {url}: HTTP {resp.status_code} {resp.reason_phrase}".rstrip())
        # The attributes h1's FetchStatus carries (same names), so callers can honour Retry-After now.
        exc.status = resp.status_code  # type: ignore[attr-defined]
        exc.retry_after = _retry_after(resp.headers.get("retry-after"))  # type: ignore[attr-defined]
        raise exc
    if not 200 <= resp.status_code < 300:
        # A 3xx without Location (or 304) carries no document we could read.
        raise InvalidInput(f"could not fetch {url}: unexpected HTTP {resp.status_code} response")


def _read_capped(url: str, resp: httpx.Response, max_bytes: int) -> bytes:
    too_big = f"could not fetch {url}: the document is larger than {human_size(max_bytes)}"
    declared = resp.headers.get("content-length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise InvalidInput(too_big)
    body = bytearray()
    for chunk in resp.iter_bytes():
        body += chunk
        if len(body) > max_bytes:  # the server may lie about Content-Length or send none
            raise InvalidInput(too_big)
    return bytes(body)
