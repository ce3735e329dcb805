"""The fetch deadline covers the status line and headers, not only the body (issue 23 item 7).

httpcore reads headers through the same per-operation timeout as the body, so a server that sends one
header line every second never trips ``timeout=5``, and the old deadline was checked only before the request
and in the body loop. The server here is a raw socket on 127.0.0.1 that never finishes its headers.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from jobagent.errors import FetchDeadline, FetchTimeout
from jobagent.fetching import fetch_url

LINE_EVERY = 1.0  # seconds between header lines: each read is well inside the 5 s per-read timeout
LINES = 12  # then the server gives up; the fetch must have stopped long before


def _trickle_headers(conn: socket.socket, stop: threading.Event) -> None:
    with conn:
        try:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for n in range(LINES):
                if stop.wait(LINE_EVERY):
                    return
                conn.sendall(f"X-Slow-{n}: {'x' * 20}\r\n".encode())
            conn.sendall(b"Content-Length: 2\r\n\r\nok")
        except OSError:
            return


@pytest.fixture
def header_trickler() -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            threading.Thread(target=_trickle_headers, args=(conn, stop), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    sock.close()


def test_trickled_headers_stop_at_the_deadline(header_trickler: str) -> None:
    url = header_trickler
    began = time.monotonic()
    with pytest.raises(FetchDeadline) as info:
        fetch_url(f"{url}/cv.pdf", max_bytes=1_000_000, timeout=5, allow_private=True, deadline=2.5)
    elapsed = time.monotonic() - began
    assert elapsed < 2.5 + 0.6, elapsed  # not the 12 s the headers would take
    assert elapsed >= 2.4, elapsed  # and not cut early either
    message = str(info.value)
    assert message == f"could not fetch {url}/cv.pdf: gave up after the 2.5 s deadline", message
    assert isinstance(info.value, FetchTimeout)


def test_deadline_from_the_setting_covers_headers(env, header_trickler: str) -> None:
    env(JOBAGENT_FETCH_DEADLINE="1.5")
    url = header_trickler
    began = time.monotonic()
    with pytest.raises(FetchDeadline, match="1.5 s deadline"):
        fetch_url(f"{url}/cv.pdf", max_bytes=1_000_000, timeout=5, allow_private=True)
    assert time.monotonic() - began < 1.5 + 0.6

