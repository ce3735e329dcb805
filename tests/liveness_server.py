"""A careers site on 127.0.0.1 for the liveness re-check: live, gone (404/410), broken (503), slow, moved
to the listing, and closed adverts, each at its own path, with every request counted."""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

LIVE_PAGE = """<html><head><title>Backend Engineer – Acme careers</title></head><body>
<nav>Home · Jobs · About</nav><h1>Backend Engineer</h1><p>Build our payment APIs in Go. Full time, Berlin.</p>
<p>Fill out the form below; make sure every field has been filled out.</p>
<h2>Similar jobs</h2><ul><li>Java Developer – this position has been filled</li></ul></body></html>"""
CLOSED_PAGE = """<html><head><title>Koch (m/w/d) – Acme Karriere</title></head><body><nav>Start · Jobs</nav>
<h1>Koch (m/w/d)</h1><p>Vielen Dank für Ihr Interesse. Diese Stelle ist bereits besetzt.</p></body></html>"""
EXPIRED_PAGE = """<html><head><title>Data Analyst</title><script type="application/ld+json">
{"@type": "JobPosting", "title": "Data Analyst", "validThrough": "2026-10-31T23:59:00Z"}</script></head>
<body><h1>Data Analyst</h1><p>Join our analytics team.</p></body></html>"""
LISTING_PAGE = "<html><head><title>Jobs at Acme</title></head><body><h1>Open positions</h1></body></html>"


class CareersServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, slow_seconds: float = 5.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.slow_seconds = slow_seconds
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> CareersServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: CareersServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        with self.server.lock:
            self.server.hits[self.path] += 1
        routes = {"/jobs/live": (200, LIVE_PAGE), "/jobs/filled": (200, CLOSED_PAGE),
                  "/jobs/expired": (200, EXPIRED_PAGE), "/jobs": (200, LISTING_PAGE),
                  "/jobs/gone": (404, "not found"), "/jobs/removed": (410, "gone"),
                  "/jobs/broken": (503, "maintenance")}
        path = urlsplit(self.path).path
        if path == "/jobs/moved":
            self.send_response(302)
            self.send_header("Location", "/jobs")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/jobs/slow":
            time.sleep(self.server.slow_seconds)
        status, body = routes.get(path, (200, LIVE_PAGE))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the slow page's client gave up, as it should
            pass
