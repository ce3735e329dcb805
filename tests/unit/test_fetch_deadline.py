"""The overall fetch deadline against a real slow-loris server, and the conditional-request contract.

httpx's timeouts are per read, so a server sending one byte a second never trips ``timeout=5``; the
deadline must stop it (issue 11 item 12). The 304 contract is what conditional harvests build on.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from jobagent.errors import FetchDeadline, FetchStatus, FetchTimeout
from jobagent.fetching import fetch_url
from jobagent.retry_policy import is_permanent

ETAG = '"v42"'


def _serve_slow_loris(sock: socket.socket, stop: threading.Event) -> None:
    """Headers at once, then one body byte a second: every single read is quick, the whole is endless."""
    while not stop.is_set():
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        threading.Thread(target=_trickle, args=(conn, stop), daemon=True).start()


def _trickle(conn: socket.socket, stop: threading.Event) -> None:
    with conn:
        request = conn.recv(65536).decode("latin-1")
        if "If-None-Match: " + ETAG in request:
            conn.sendall(f"HTTP/1.1 304 Not Modified\r\nETag: {ETAG}\r\nContent-Length: 0\r\n\r\n".encode())
            return
        if "GET /busy" in request:
            conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n")
            return
        try:
            conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nETag: {ETAG}\r\n"
                         "Content-Length: 100000\r\n\r\n".encode())
            while not stop.is_set():
                conn.sendall(b"x")
                time.sleep(1.0)
        except OSError:
            return


@pytest.fixture
def slow_server() -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    stop = threading.Event()
    threading.Thread(target=_serve_slow_loris, args=(sock, stop), daemon=True).start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    sock.close()


def test_slow_loris_stops_at_the_deadline(slow_server: str) -> None:
    began = time.monotonic()
    with pytest.raises(FetchDeadline, match=r"gave up after the 2.5 s deadline") as info:
        fetch_url(f"{slow_server}/cv.pdf", max_bytes=1_000_000, timeout=5, allow_private=True, deadline=2.5)
    elapsed = time.monotonic() - began
    assert 2.4 <= elapsed < 4.0, elapsed  # not the 100 000 s the server would take, nor the per-read timeout
    assert isinstance(info.value, FetchTimeout) and is_permanent(info.value)  # not retried (issue 11)


def test_deadline_comes_from_the_setting(env, slow_server: str) -> None:
    env(JOBAGENT_FETCH_DEADLINE="1.5")
    began = time.monotonic()
    with pytest.raises(FetchDeadline, match="1.5 s deadline"):
        fetch_url(f"{slow_server}/cv.pdf", max_bytes=1_000_000, timeout=5, allow_private=True)
    assert time.monotonic() - began < 3.0


def test_conditional_request_returns_304_and_headers(slow_server: str) -> None:
    doc = fetch_url(f"{slow_server}/feed.json", max_bytes=1000, timeout=5, allow_private=True,
                    headers={"If-None-Match": ETAG})
    assert doc.status_code == 304 and doc.content == b""
    assert doc.headers["etag"] == ETAG  # lower-case names


def test_503_carries_status_and_retry_after(slow_server: str) -> None:
    with pytest.raises(FetchStatus, match="HTTP 503") as info:
        fetch_url(f"{slow_server}/busy", max_bytes=1000, timeout=5, allow_private=True)
    assert info.value.status == 503 and info.value.retry_after == 7.0 and not is_permanent(info.value)
