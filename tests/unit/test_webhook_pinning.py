"""The webhook POST goes to the address its check approved, never to a second DNS answer (issue 23).

Two real HTTP servers share a port: 127.0.0.2 stands in for the public address the check allowed,
127.0.0.1 for an internal service. Only the resolver is replaced, answering the way a rebinding DNS server
would (first the allowed address, then loopback), as in tests/unit/test_ssrf.py.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jobagent.errors import DeliveryError
from jobagent.postings.notify import post_webhook

HOST = "hooks.rebind.test"


class _Hook(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.hits.append((self.path, self.headers.get("Host"), json.loads(body)))  # type: ignore[attr-defined]
        self.send_response(204)
        self.end_headers()


def _serve(address: str, port: int) -> ThreadingHTTPServer:
    httpd = ThreadingHTTPServer((address, port), _Hook)
    httpd.hits = []  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return httpd


@pytest.fixture
def two_servers() -> Iterator[tuple[int, ThreadingHTTPServer, ThreadingHTTPServer]]:
    public = _serve("127.0.0.2", 0)
    port = public.server_address[1]
    internal = _serve("127.0.0.1", port)
    yield port, public, internal
    for httpd in (public, internal):
        httpd.shutdown()
        httpd.server_close()


def _rebinding(monkeypatch: pytest.MonkeyPatch, answers: Iterator[str]) -> None:
    real = socket.getaddrinfo

    def resolve(host, port_, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == HOST:
            return real(next(answers), port_, *args, **kwargs)
        return real(host, port_, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def test_webhook_posts_to_the_checked_address(env, monkeypatch: pytest.MonkeyPatch, two_servers) -> None:
    port, public, internal = two_servers
    env(JOBAGENT_ALLOWED_PRIVATE_HOSTS="127.0.0.2/32")  # stands in for a public address
    _rebinding(monkeypatch, iter(["127.0.0.2"] + ["127.0.0.1"] * 20))
    status = post_webhook(f"http://{HOST}:{port}/hook/SECRET", {"matches": 3}, allow_private=False, timeout=5,
                          idempotency_key="run-1:webhook")
    assert status == 204
    assert internal.hits == []  # httpx's own lookup would have sent the POST here
    assert public.hits == [("/hook/SECRET", f"{HOST}:{port}", {"matches": 3})]  # original Host header kept

    # The same name answering loopback at check time is refused before anything is sent.
    _rebinding(monkeypatch, iter(["127.0.0.1"] * 20))
    with pytest.raises(DeliveryError, match="127.0.0.1 is a loopback address") as info:
        post_webhook(f"http://{HOST}:{port}/hook/SECRET", {"a": 1}, allow_private=False, timeout=5)
    assert "SECRET" not in str(info.value)
    assert internal.hits == [] and len(public.hits) == 1
