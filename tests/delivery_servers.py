"""A webhook receiver and an SMTP server for the nothing-twice tests: they record headers, and can fail,
hang, or kill a work-horse at the moment a message is accepted."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.local_services import _Collector
from tests.servers import free_port


@dataclass
class Hook:
    """What the webhook receiver got, and how it answers: ``fail`` 500s first, then ``hang`` blocking ones."""

    url: str = ""
    posts: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    fail: int = 0
    hang: int = 0
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)

    def keys(self) -> list[str | None]:
        return [headers.get("idempotency-key") for headers, _ in self.posts]


def serve_hook(hook: Hook) -> Iterator[Hook]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            hook.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
            hook.arrived.set()
            if hook.fail > 0:
                hook.fail -= 1
                return self._reply(500, b"try again later")
            if hook.hang > 0:
                hook.hang -= 1
                hook.release.wait(120)  # the sender is killed meanwhile
                return None
            return self._reply(204, b"")

        def _reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hook/secret"
    try:
        yield hook
    finally:
        hook.release.set()
        server.shutdown()
        server.server_close()


class KillingCollector(_Collector):
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


def serve_smtp(handler: _Collector) -> Iterator[tuple[_Collector, int]]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
