"""The cost of the safe fetch: ``fetch_url`` (address check, pinned connection, deadline, size cap)
against bare httpx fetches of the same document from the same loopback server, in the same run: a new
``httpx.Client`` per fetch (what ``fetch_url`` did before; each builds a TLS context) and one reused client.

Run: ``python benchmarks/bench_fetch.py`` (BENCH_FETCHES=300 by default, a 200 KB document). It also times
a slow-loris server (one byte a second) against a 2 s deadline: without the deadline httpx would wait for
the whole body, one per-read timeout at a time.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FETCHES = int(os.environ.get("BENCH_FETCHES", "300"))
BODY = os.urandom(200 * 1024)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)


def _slow_loris() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)

    def serve() -> None:
        conn, _ = sock.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        try:
            while True:
                conn.sendall(b"x")
                time.sleep(1)
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    return int(sock.getsockname()[1])


def main() -> None:
    import httpx

    from jobagent.errors import FetchDeadline
    from jobagent.fetching import fetch_url

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/cv.pdf"
    for _ in range(10):  # warm up both paths
        httpx.get(url)
        fetch_url(url, max_bytes=1 << 20, timeout=5, allow_private=True, deadline=30)

    began = time.perf_counter()
    for _ in range(FETCHES):  # the previous fetch_url's shape: a new httpx.Client for every fetch
        with httpx.Client(follow_redirects=False, timeout=5) as client:
            assert len(client.get(url).content) == len(BODY)
    bare = time.perf_counter() - began
    began = time.perf_counter()
    with httpx.Client(timeout=5) as client:  # the floor: one client, kept-alive connection, no checks
        for _ in range(FETCHES):
            assert len(client.get(url).content) == len(BODY)
    floor = time.perf_counter() - began
    began = time.perf_counter()
    for _ in range(FETCHES):
        assert len(fetch_url(url, max_bytes=1 << 20, timeout=5, allow_private=True, deadline=30).content) == len(BODY)
    safe = time.perf_counter() - began
    for label, seconds in (("new httpx.Client per fetch (before)", bare), ("one reused httpx.Client (floor)", floor),
                           ("fetch_url (checks, pinned IP, deadline)", safe)):
        print(f"{label:<42}: {FETCHES} x 200 KB in {seconds:.3f} s ({seconds / FETCHES * 1000:.2f} ms each)")
    print(f"ratio fetch_url / before: {safe / bare:.2f}; fetch_url / floor: {safe / floor:.2f}")

    port = _slow_loris()
    began = time.perf_counter()
    try:
        fetch_url(f"http://127.0.0.1:{port}/cv.pdf", max_bytes=1 << 20, timeout=5, allow_private=True, deadline=2)
    except FetchDeadline as exc:
        print(f"slow loris (1 byte/s, 100 000 bytes announced): stopped after {time.perf_counter() - began:.2f} s "
              f"with the 2 s deadline: {exc}")
    httpd.shutdown()


if __name__ == "__main__":
    main()
