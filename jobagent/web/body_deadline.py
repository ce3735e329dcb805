"""A total deadline for reading a request body in the shim (``JOBAGENT_WEB_BODY_TIMEOUT``).

Why: a gunicorn thread that reads a body blocks in ``recv`` for as long as the client keeps the connection
open, and gunicorn has no body timeout of its own. About 60 clients that declared ``Content-Length: 1000``
and sent a byte now and then held every thread, and ``/api/health`` stopped answering (issue 23, item 6).
Caddy in front buffers bodies and cuts slow ones (Caddyfile ``read_body``), so this is the second line:
it holds for anything that reaches gunicorn directly (a proxy misconfigured, a local client).

How: the deadline starts when the app is called (the headers are in) and covers the whole body. A socket
timeout alone bounds each ``recv``, not the body: gunicorn's ``read(n)`` loops over ``recv`` until it has
``n`` bytes, and a byte every second satisfies every single call. So for the length of the request the
socket gunicorn reads the body from (its ``SocketUnreader.sock``) is replaced by ``_DeadlineSocket``, whose
``recv`` waits at most for the time left, and raises ``TimeoutError`` once none is; the real socket's
timeout is put back after each call, because gthread parks kept-alive sockets non-blocking. The timeout
surfaces from ``wsgi.input`` as ``BodyTimeout`` (408 in the shim's JSON shape); gunicorn then closes the
connection, since a body read that raised leaves it unusable (``Body.failed``).
"""

from __future__ import annotations

import json
import socket
import sys
import time
from collections.abc import Iterable
from typing import IO, Any

from werkzeug.exceptions import RequestTimeout

__all__ = ["BodyDeadline", "BodyTimeout"]

_WSGIEnv = dict[str, Any]


class BodyTimeout(RequestTimeout):
    """The client did not send its whole body in time. A werkzeug ``RequestTimeout``, so when it is raised
    inside Flask (``request.get_json``) the app's HTTP error handler answers 408 JSON as for any HTTP error."""


class _DeadlineSocket:
    """Stands in for the client socket while a body is read: every ``recv`` ends by ``deadline_at``."""

    def __init__(self, sock: socket.socket, deadline_at: float) -> None:
        self._sock = sock
        self._deadline_at = deadline_at
        self.received = 0  # body bytes (and any pipelined rest) taken off the socket, for the message

    def recv(self, size: int, *flags: int) -> bytes:
        remaining = self._deadline_at - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request body deadline passed")
        prior = self._sock.gettimeout()
        self._sock.settimeout(remaining)
        try:
            data = self._sock.recv(size, *flags)
            self.received += len(data)
            return data
        finally:
            try:
                self._sock.settimeout(prior)
            except OSError:  # the client went away meanwhile
                pass

    def __getattr__(self, name: str) -> Any:  # gettimeout, settimeout, fileno, ... of the real socket
        return getattr(self._sock, name)


class _DeadlineInput:
    """``wsgi.input`` that turns a timed-out read into ``BodyTimeout`` and refuses reads past the deadline
    (the whole guard under a server whose socket could not be wrapped)."""

    def __init__(self, inner: IO[bytes], deadline_at: float, budget: float,
                 sock: _DeadlineSocket | None = None) -> None:
        self._inner = inner
        self._deadline_at = deadline_at
        self._budget = budget
        self._sock = sock
        self._received = 0

    def _call(self, method: str, *args: Any) -> Any:
        if time.monotonic() >= self._deadline_at:
            raise self._timeout()
        try:
            data = getattr(self._inner, method)(*args)
        except TimeoutError:
            raise self._timeout() from None
        if isinstance(data, bytes):
            self._received += len(data)
        elif isinstance(data, list):
            self._received += sum(len(line) for line in data)
        return data

    def _timeout(self) -> BodyTimeout:
        # gunicorn buffers partial reads, so what came off the socket says more than what read() returned.
        received = self._sock.received if self._sock is not None else self._received
        return BodyTimeout(f"the request body did not arrive within {self._budget:g} s ({received} bytes came)")

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._call("read", size)
        return data

    def readline(self, size: int = -1) -> bytes:
        data: bytes = self._call("readline", size)
        return data

    def readlines(self, hint: int = -1) -> list[bytes]:
        data: list[bytes] = self._call("readlines", hint)
        return data

    def __iter__(self) -> _DeadlineInput:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class BodyDeadline:
    """WSGI middleware, outermost around the app: ``app.wsgi_app = BodyDeadline(app.wsgi_app, seconds)``.

    Requests without a body (no Content-Length, or 0, and not chunked) pass untouched, so GETs cost nothing.
    A ``BodyTimeout`` that escapes the inner app (the fast submit path reads the body outside Flask) is
    answered here. The real socket goes back into gunicorn's reader when the app returns: the next request
    on a kept-alive connection has its own deadline, and gunicorn drains an unread rest with its own.
    """

    def __init__(self, app: Any, seconds: float) -> None:
        self._app = app
        self._seconds = seconds

    def __call__(self, environ: _WSGIEnv, start_response: Any) -> Iterable[bytes]:
        if self._seconds <= 0 or not _has_body(environ):
            result: Iterable[bytes] = self._app(environ, start_response)
            return result
        deadline_at = time.monotonic() + self._seconds
        unreader = _socket_reader(environ)
        wrapped = None
        if unreader is not None:
            wrapped = unreader.sock = _DeadlineSocket(unreader.sock, deadline_at)
        environ["wsgi.input"] = _DeadlineInput(environ["wsgi.input"], deadline_at, self._seconds, wrapped)
        try:
            result = self._app(environ, start_response)
            return result
        except BodyTimeout as exc:
            body = json.dumps({"error": "request_timeout", "detail": exc.description}).encode() + b"\n"
            start_response("408 REQUEST TIMEOUT", [("Content-Type", "application/json"),
                                                   ("Content-Length", str(len(body)))], sys.exc_info())
            return [body]
        finally:
            if unreader is not None and wrapped is not None:
                unreader.sock = wrapped._sock


def _has_body(environ: _WSGIEnv) -> bool:
    declared = environ.get("CONTENT_LENGTH", "")
    if declared and declared != "0":
        return True
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def _socket_reader(environ: _WSGIEnv) -> Any:
    """gunicorn's ``SocketUnreader`` behind ``wsgi.input`` (``Body.reader.unreader``, or for a chunked body
    ``Body.reader.req.unreader``) when it reads from this request's client socket; None under other servers
    or other gunicorn shapes, where ``_DeadlineInput`` alone applies."""
    sock = environ.get("gunicorn.socket")
    reader = getattr(environ.get("wsgi.input"), "reader", None)
    if not isinstance(sock, socket.socket) or reader is None:
        return None
    for unreader in (getattr(reader, "unreader", None), getattr(getattr(reader, "req", None), "unreader", None)):
        if unreader is not None and getattr(unreader, "sock", None) is sock:
            return unreader
    return None
