"""Fetching user-supplied URLs from workers that run on a cloud VPS.

A CV URL comes from the user, so without checks it is a way to make our workers read internal services
(the cloud metadata endpoint at 169.254.169.254, a database admin page on localhost, ...). Every hop of a
fetch is therefore checked, redirects are followed by hand, the body size is capped while streaming, and
the whole fetch has a deadline (httpx's timeouts are per read, so a server trickling one byte, or one
header line, a second would otherwise hold a worker for the whole task time limit). The deadline is enforced
on the socket itself (``_DeadlineStream``), so it covers connect, TLS, the headers and the body.

DNS rebinding is closed by connecting to the address that was checked: ``PinnedBackend`` is the httpcore
network backend, and it opens the TCP connection to the pinned IP while httpcore still sends the original
Host header and TLS SNI (and verifies the certificate for the name). A name that was not checked on this
fetch is never connected to.

Failures are typed (``jobagent.errors``): ``FetchRefused`` (permanent), ``FetchStatus``, ``FetchTimeout``,
``FetchDeadline`` and ``FetchUnavailable``; ``jobagent.retry_policy`` decides which are retried. Every
message names the URL through ``redact_url``, so userinfo and query strings never reach logs or the store.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import httpcore
import httpx

from jobagent.errors import FetchDeadline, FetchRefused, FetchStatus, translate
from jobagent.fetch_policy import AddressPolicy, check_url, human_size, policy_for
from jobagent.redaction import redact_url

__all__ = ["AddressPolicy", "FetchedDocument", "MAX_REDIRECTS", "PinnedBackend", "check_url", "fetch_url", "human_size",
           "pinned_client"]

MAX_REDIRECTS = 5
DEFAULT_DEADLINE = 30.0
_REDIRECT_CODES = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class FetchedDocument:
    content: bytes
    content_type: str | None
    final_url: str
    status_code: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names


class _DeadlineStream(httpcore.NetworkStream):
    """A TCP (or TLS) stream whose every read and write waits at most until the fetch's deadline.

    httpx's timeouts are per operation, and httpcore reads the status line and headers through the same
    ``read`` calls as the body: a server sending one header line every 2 s never tripped a 5 s read timeout,
    and the body loop's deadline check never ran. Clamping each socket operation to the time left makes the
    deadline cover connect, TLS, headers and body alike.
    """

    def __init__(self, inner: httpcore.NetworkStream, backend: PinnedBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, timeout=self._backend.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout=self._backend.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname=server_hostname,
                                      timeout=self._backend.clamp(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """Connects to the address each host name was checked against, never to a fresh DNS answer, and (when
    ``deadline_at`` is set, a ``time.monotonic()`` value) never waits on the socket past that moment.

    Shared by every outbound request to a user-supplied URL (CV fetches, company sites, webhooks)."""

    def __init__(self, deadline_at: float | None = None) -> None:
        self._inner = httpcore.SyncBackend()
        self._pins: dict[str, str] = {}
        self.deadline_at = deadline_at

    def pin(self, host: str, address: str) -> None:
        self._pins[host.lower().strip("[]")] = address

    def clamp(self, timeout: float | None, error: type[Exception]) -> float | None:
        """``timeout`` cut to the time left before the deadline; ``error`` once none is left."""
        if self.deadline_at is None:
            return timeout
        remaining = self.deadline_at - time.monotonic()
        if remaining <= 0:
            raise error("the overall deadline passed")
        return remaining if timeout is None else min(timeout, remaining)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        address = self._pins.get(host.lower().strip("[]"))
        if address is None:  # defensive: every hop pins its host before the request is sent
            raise httpcore.ConnectError(f"{host} was not checked before connecting")
        stream = self._inner.connect_tcp(address, port, timeout=self.clamp(timeout, httpcore.ConnectTimeout),
                                         local_address=local_address, socket_options=socket_options)
        return _DeadlineStream(stream, self)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:  # pragma: no cover
        raise httpcore.ConnectError("unix sockets are never used for fetched URLs")

    def sleep(self, seconds: float) -> None:  # pragma: no cover - used by httpcore retries only
        self._inner.sleep(seconds)


@lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    """One verifying context per process: loading the CA bundle costs more than a loopback fetch."""
    return httpx.create_ssl_context(trust_env=False)


def pinned_client(backend: PinnedBackend, user_agent: str) -> httpx.Client:
    """An httpx client whose only transport connects through ``backend``; proxies from the environment are
    ignored (a proxy would resolve the name itself, reopening the rebinding gap)."""
    context = _ssl_context()
    transport = httpx.HTTPTransport(verify=context, trust_env=False)
    # httpx has no public hook for the network backend; its transport is a thin shell over this pool.
    transport._pool = httpcore.ConnectionPool(ssl_context=context, network_backend=backend, max_connections=4)
    return httpx.Client(transport=transport, follow_redirects=False, trust_env=False,
                        headers={"User-Agent": user_agent})


def fetch_url(url: str, *, max_bytes: int, timeout: float, allow_private: bool = False,
              user_agent: str = "jobagent/0.1", headers: Mapping[str, str] | None = None,
              deadline: float | None = None, policy: AddressPolicy | None = None, method: str = "GET",
              body: bytes | None = None) -> FetchedDocument:
    """Download a user-supplied URL with every safety check applied.

    Redirects are followed by hand so each hop goes through ``check_url``; the body is streamed so a huge
    or endless response costs at most ``max_bytes`` of memory; ``deadline`` (default
    ``JOBAGENT_FETCH_DEADLINE``) bounds the whole download. ``headers`` adds request headers such as
    If-None-Match; a 304 answer to such a conditional request is returned (empty content), not raised.

    ``method="POST"`` with ``body`` serves search APIs that only answer POST (Workday's career sites).
    A 307/308 redirect repeats the POST with its body to the next (checked) hop; 301/302/303 continue
    as a GET without it, as browsers do, so a body is never sent anywhere the caller did not aim it.
    """
    if method not in ("GET", "POST"):
        raise ValueError(f"fetch_url sends GET or POST, not {method!r}")
    policy = policy or policy_for(allow_private)
    budget = deadline if deadline is not None else _default_deadline()
    deadline_at = time.monotonic() + budget
    backend = PinnedBackend(deadline_at)
    current = url
    with pinned_client(backend, user_agent) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            shown = redact_url(current)
            addresses = check_url(current, policy=policy)
            backend.pin(httpx.URL(current).raw_host.decode("ascii"), str(addresses[0]))
            remaining = deadline_at - time.monotonic()
            if remaining <= 0:
                raise FetchDeadline(f"could not fetch {shown}: gave up after the {budget:g} s deadline", url=shown)
            try:
                with client.stream(method, current, headers=dict(headers or {}), content=body,
                                   timeout=httpx.Timeout(min(timeout, remaining))) as resp:
                    location = resp.headers.get("location")
                    if resp.status_code in _REDIRECT_CODES and location:
                        current = str(resp.url.join(location))
                        if resp.status_code not in (307, 308):
                            method, body = "GET", None
                        continue
                    answer = {k.lower(): v for k, v in resp.headers.items()}
                    if resp.status_code == 304 and headers:
                        return FetchedDocument(content=b"", content_type=resp.headers.get("content-type"),
                                               final_url=str(resp.url), status_code=304, headers=answer)
                    _check_status(redact_url(url), resp)
                    content = _read_capped(redact_url(url), resp, max_bytes, deadline_at, budget)
                    return FetchedDocument(content=content, content_type=resp.headers.get("content-type"),
                                           final_url=str(resp.url), status_code=resp.status_code, headers=answer)
            except httpx.TimeoutException as exc:
                if time.monotonic() >= deadline_at - 0.05:
                    raise FetchDeadline(f"could not fetch {shown}: gave up after the {budget:g} s deadline",
                                        url=shown) from None
                raise _as_fetch_error(exc, shown, f"timed out after {min(timeout, remaining):g} s") from None
            except httpx.HTTPError as exc:
                raise _as_fetch_error(exc, shown) from None
    raise FetchRefused(f"could not fetch {redact_url(url)}: more than {MAX_REDIRECTS} redirects", url=redact_url(url))


def _as_fetch_error(exc: httpx.HTTPError, shown: str, reason: str | None = None) -> BaseException:
    mapped = translate(exc, url=shown)
    if reason:
        mapped.args = (f"could not fetch {shown}: {reason}",)
    return mapped


def _default_deadline() -> float:
    from jobagent.config import get_settings

    return float(getattr(get_settings(), "fetch_deadline", DEFAULT_DEADLINE))


def _check_status(shown: str, resp: httpx.Response) -> None:
    if resp.status_code >= 400:
        from jobagent.errors import parse_retry_after

        raise FetchStatus(f"could not fetch {shown}: HTTP {resp.status_code} {resp.reason_phrase}".rstrip(),
                          url=shown, status=resp.status_code,
                          retry_after=parse_retry_after(resp.headers.get("retry-after")))
    if not 200 <= resp.status_code < 300:
        # A 3xx without Location (or an unasked 304) carries no document we could read.
        raise FetchStatus(f"could not fetch {shown}: unexpected HTTP {resp.status_code} response", url=shown,
                          status=resp.status_code)


def _read_capped(shown: str, resp: httpx.Response, max_bytes: int, deadline_at: float, budget: float) -> bytes:
    too_big = f"could not fetch {shown}: the document is larger than {human_size(max_bytes)}"
    declared = resp.headers.get("content-length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise FetchRefused(too_big, url=shown)
    body = bytearray()
    for chunk in resp.iter_bytes():
        body += chunk
        if len(body) > max_bytes:  # the server may lie about Content-Length or send none
            raise FetchRefused(too_big, url=shown)
        if time.monotonic() > deadline_at:
            raise FetchDeadline(f"could not fetch {shown}: gave up after the {budget:g} s deadline "
                                f"({human_size(len(body))} received)", url=shown)
    return bytes(body)
