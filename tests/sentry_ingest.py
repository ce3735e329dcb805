"""A real Sentry ingest endpoint on 127.0.0.1 for tests: it accepts envelopes and keeps their events.

The DSN ``http://publickey@127.0.0.1:PORT/1`` makes the SDK POST to ``/api/1/envelope/``. An envelope is
newline-separated: a JSON header, then per item a JSON item header and a payload (``length`` bytes when the
header gives it, otherwise up to the next newline). The body may be gzip-compressed.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


def parse_envelope(body: bytes) -> list[tuple[dict[str, Any], bytes]]:
    """Items of an envelope as (item header, raw payload)."""
    _header, _, rest = body.partition(b"\n")
    items = []
    while rest.strip():
        line, _, rest = rest.partition(b"\n")
        if not line.strip():
            continue
        item_header = json.loads(line)
        length = item_header.get("length")
        if length is not None:
            payload, rest = rest[:length], rest[length:]
            if rest.startswith(b"\n"):
                rest = rest[1:]
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((item_header, payload))
    return items


class SentryIngest:
    """Collects what the SDK sends. ``raw`` keeps every decoded body so tests can grep the bytes."""

    def __init__(self) -> None:
        self.raw: list[bytes] = []
        self.events: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        ingest = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                encoding = (self.headers.get("Content-Encoding") or "").lower()
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                elif encoding == "br":
                    import brotli  # type: ignore[import-not-found]

                    body = brotli.decompress(body)
                ingest._receive(self.path, body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.dsn = f"http://publickey@127.0.0.1:{self.port}/1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _receive(self, path: str, body: bytes) -> None:
        events = []
        if path.rstrip("/").endswith("/envelope"):
            for header, payload in parse_envelope(body):
                if header.get("type") == "event":
                    events.append(json.loads(payload))
        elif path.rstrip("/").endswith("/store"):
            events.append(json.loads(body))
        with self.lock:
            self.raw.append(body)
            self.events.extend(events)

    def start(self) -> SentryIngest:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def clear(self) -> None:
        with self.lock:
            self.raw.clear()
            self.events.clear()

    def raw_bytes(self) -> bytes:
        with self.lock:
            return b"\n".join(self.raw)

    def find(self, **tags: str) -> list[dict[str, Any]]:
        """Events whose tags include all the given ones."""
        with self.lock:
            events = list(self.events)
        out = []
        for ev in events:
            ev_tags = ev.get("tags") or {}
            if isinstance(ev_tags, list):
                ev_tags = dict(ev_tags)
            if all(ev_tags.get(k) == v for k, v in tags.items()):
                out.append(ev)
        return out

    def wait_for(self, count: int = 1, timeout: float = 30, **tags: str) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.find(**tags)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} Sentry event(s) with {tags}, got {len(self.find(**tags))}")


# Import these two into a test module to use the fixtures ``sentry_ingest`` and ``sentry_live``.
@pytest.fixture(name="sentry_ingest")
def sentry_ingest_fixture() -> Iterator[SentryIngest]:
    ingest = SentryIngest().start()
    yield ingest
    ingest.stop()


@pytest.fixture(name="sentry_live")
def sentry_live_fixture(live: dict[str, str], sentry_ingest: SentryIngest, monkeypatch: pytest.MonkeyPatch
                ) -> Iterator[tuple[dict[str, str], SentryIngest]]:
    """``live`` plus SENTRY_DSN pointing at the ingest, for this process and for workers/CLI runs."""
    from jobagent.config import get_settings
    from jobagent.monitoring import sentry

    monkeypatch.setenv("SENTRY_DSN", sentry_ingest.dsn)
    get_settings.cache_clear()
    environ = {**live, "SENTRY_DSN": sentry_ingest.dsn}
    live["SENTRY_DSN"] = sentry_ingest.dsn  # the ``workers`` pool shares this dict
    assert sentry.init_sentry("test")
    yield environ, sentry_ingest
    sentry.shutdown()
