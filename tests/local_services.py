"""Local stand-ins for outside services on 127.0.0.1: one SMTP server and one webhook receiver, used by the
delivery, notify and nothing-twice tests (formerly two near-copies: this file and tests/delivery_servers.py).

The receiver records every POST and answers by path (``/fail...`` 500, ``/redirect...`` 302) or by the
counters of :class:`Hook` (``fail`` 500s first, then ``hang`` blocking ones); the SMTP collector refuses
``REFUSED`` and, as :class:`KillingCollector`, can SIGKILL the sender's work-horse once a message is in.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from jobagent.local_servers import free_port

REFUSED = "bounce@example.org"


class Collector:
    """Keeps every accepted message and its recipients; refuses ``REFUSED`` with a 550."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[str] = []

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        if address == REFUSED:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        assert isinstance(envelope.content, bytes)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients += envelope.rcpt_tos
        return "250 Message accepted for delivery"


_Collector = Collector  # the name older tests import


class KillingCollector(Collector):
    """Records each message and then, once, SIGKILLs the process ``victim()`` names (the sender's work-horse)
    before answering: the message is in the server's hands, the sender never learns it."""

    def __init__(self) -> None:
        super().__init__()
        self.victim: Callable[[], int | None] | None = None  # set by the test; None: just collect
        self.armed = True

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        reply = await super().handle_DATA(server, session, envelope)
        pid = self.victim() if self.armed and self.victim is not None else None
        if pid:
            self.armed = False
            os.kill(pid, signal.SIGKILL)
        return reply


C = TypeVar("C", bound=Collector)


def serve_smtp(handler: C) -> Iterator[tuple[C, int]]:
    """Run ``handler`` behind aiosmtpd on a free loopback port for as long as the generator lives."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@dataclass
class Hook:
    """What the webhook receiver got and how it answers; ``url`` is a hook URL, ``base`` the server's root."""

    url: str = ""
    base: str = ""
    posts: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)  # (headers, body)
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (path, body)
    fail: int = 0
    hang: int = 0
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)

    def keys(self) -> list[str | None]:
        return [headers.get("idempotency-key") for headers, _ in self.posts]


def serve_hook(hook: Hook) -> Iterator[Hook]:
    """Run the webhook receiver for ``hook`` on a free loopback port for as long as the generator lives."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            hook.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
            hook.received.append((self.path, body))
            hook.arrived.set()
            if self.path.startswith("/fail"):
                return self._reply(500, b"internal trouble\nsecond line")
            if self.path.startswith("/redirect"):
                return self._reply(302, b"", {"Location": "/ok"})
            if hook.fail > 0:
                hook.fail -= 1
                return self._reply(500, b"try again later")
            if hook.hang > 0:
                hook.hang -= 1
                hook.release.wait(120)  # the sender is killed meanwhile
                return None
            return self._reply(204, b"")

        def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook.base = f"http://127.0.0.1:{server.server_address[1]}"
    hook.url = f"{hook.base}/hook/secret"
    try:
        yield hook
    finally:
        hook.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Collector, int]]:
    yield from serve_smtp(Collector())


@pytest.fixture
def hook_server() -> Iterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    for hook in serve_hook(Hook()):
        yield hook.base, hook.received
