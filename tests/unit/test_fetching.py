"""URL checks and fetching against a real HTTP server on 127.0.0.1 (no other network)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import jobagent.fetching as fetching
from jobagent.cv import extract_profile
from jobagent.errors import FetchStatus, FetchTimeout, FetchUnavailable, InvalidInput
from jobagent.fetching import check_url, fetch_url
from jobagent.retry_policy import is_permanent
from tests.cv_reading import read_cv
from tests.documents import CV_LINES, make_pdf

CV_TEXT = "\n".join(CV_LINES).encode()


class Handler(BaseHTTPRequestHandler):
    pdf: bytes = b""
    hits: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/plain", length: bool = True,
              location: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if location:
            self.send_header("Location", location)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first (the timeout test), which is the point

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.hits.append(self.path)
        routes = {
            "/cv.txt": lambda: self._send(200, CV_TEXT),
            "/download": lambda: self._send(200, self.pdf, "application/pdf"),
            "/redirect": lambda: self._send(302, location="/cv.txt"),
            "/loop": lambda: self._send(302, location="/loop"),
            "/to-metadata": lambda: self._send(302, location="http://169.254.169.254/latest/meta-data/"),
            "/to-loopback": lambda: self._send(301, location="http://127.0.0.1:1/cv.txt"),
            "/big": lambda: self._send(200, b"x" * 5000),
            "/big-unannounced": lambda: self._send(200, b"x" * 5000, length=False),
            "/slow": lambda: (time.sleep(1.5), self._send(200, CV_TEXT)),
        }
        routes.get(self.path, lambda: self._send(404, b"no such file"))()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    Handler.pdf = make_pdf(tmp_path / "cv.pdf").read_bytes()
    Handler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _refused(url: str, **kwargs) -> str:
    with pytest.raises(InvalidInput) as info:
        check_url(url, **kwargs)
    assert "\n" not in str(info.value)
    return str(info.value)


def test_check_url_message_for_loopback() -> None:
    assert _refused("http://127.0.0.1/cv.pdf") == (
        "refused URL http://127.0.0.1/cv.pdf: 127.0.0.1 is a loopback address "
        "(list the host or its network in JOBAGENT_ALLOWED_PRIVATE_HOSTS to allow)")
    check_url("http://127.0.0.1/cv.pdf", allow_private=True)  # no exception


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://10.1.2.3/cv.pdf", "10.1.2.3 is a private address"),
        ("http://192.168.0.10:8080/cv.pdf", "192.168.0.10 is a private address"),
        ("http://0.0.0.0/cv.pdf", "0.0.0.0 is an unspecified address"),
        ("http://224.0.0.1/cv.pdf", "224.0.0.1 is a multicast address"),
        ("http://[::1]/cv.pdf", "::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/cv.pdf", "127.0.0.1, a loopback address"),
        ("http://100.64.0.1/cv.pdf", "100.64.0.1 is not a public address"),
        ("http://localhost:8000/cv.pdf", "is a loopback address"),
    ],
)
def test_private_addresses_are_refused(url: str, reason: str) -> None:
    message = _refused(url)
    assert message.startswith(f"refused URL {url}: ") and reason in message
    assert "JOBAGENT_ALLOWED_PRIVATE_HOSTS" in message


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/cv.pdf", "only http and https URLs are supported, not ftp"),
        ("file:///etc/passwd", "not file"),
        ("http:///cv.pdf", "no host name"),
        ("http://example.com:99999/cv.pdf", "refused URL"),
    ],
)
def test_bad_schemes_and_hosts_are_refused_even_when_private_is_allowed(url: str, reason: str) -> None:
    assert reason in _refused(url, allow_private=True)


def test_public_address_passes() -> None:
    check_url("https://8.8.8.8/cv.pdf")  # an IP literal resolves without DNS or network


def test_loopback_server_refused_by_default_and_allowed_when_asked(server: str) -> None:
    with pytest.raises(InvalidInput, match="is a loopback address"):
        fetch_url(f"{server}/cv.txt", max_bytes=10_000, timeout=5)
    assert Handler.hits == []  # refused before any connection
    doc = fetch_url(f"{server}/cv.txt", max_bytes=10_000, timeout=5, allow_private=True)
    assert doc.content == CV_TEXT and doc.content_type == "text/plain" and doc.final_url == f"{server}/cv.txt"


def test_read_cv_from_url(server: str) -> None:
    with pytest.raises(InvalidInput, match="refused URL"):
        read_cv(f"{server}/download")
    doc = read_cv(f"{server}/download", allow_private=True)
    assert doc.kind == "pdf" and doc.source == f"{server}/download"
    assert extract_profile(doc.text).location == "Munich, Germany"
    assert read_cv(f"{server}/redirect", allow_private=True).kind == "text"


def test_redirects_are_followed_and_capped(server: str) -> None:
    doc = fetch_url(f"{server}/redirect", max_bytes=10_000, timeout=5, allow_private=True)
    assert doc.content == CV_TEXT and doc.final_url == f"{server}/cv.txt"
    with pytest.raises(InvalidInput, match="more than 5 redirects"):
        fetch_url(f"{server}/loop", max_bytes=10_000, timeout=5, allow_private=True)
    assert Handler.hits.count("/loop") == 6  # the first request and 5 redirects, then it stops


def test_every_redirect_hop_is_checked(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Our server stands in for a public host; the real check must still stop where its redirects lead."""
    real_check = fetching.check_url
    checked: list[str] = []

    def check_treating_server_as_public(url: str, *, allow_private: bool = False, policy=None) -> list:
        checked.append(url)
        if url.startswith(server + "/"):
            return real_check(url, allow_private=True)
        return real_check(url, allow_private=allow_private, policy=policy)

    monkeypatch.setattr(fetching, "check_url", check_treating_server_as_public)
    with pytest.raises(InvalidInput, match=r"169\.254\.169\.254 is a link-local address"):
        fetch_url(f"{server}/to-metadata", max_bytes=10_000, timeout=5)
    with pytest.raises(InvalidInput, match=r"127\.0\.0\.1 is a loopback address"):
        fetch_url(f"{server}/to-loopback", max_bytes=10_000, timeout=5)
    assert checked == [f"{server}/to-metadata", "http://169.254.169.254/latest/meta-data/",
                       f"{server}/to-loopback", "http://127.0.0.1:1/cv.txt"]
    assert Handler.hits == ["/to-metadata", "/to-loopback"]


def test_oversized_bodies_are_refused(server: str) -> None:
    for path in ("/big", "/big-unannounced"):
        with pytest.raises(InvalidInput, match=r"larger than 3\.91 KB"):
            fetch_url(f"{server}{path}", max_bytes=4000, timeout=5, allow_private=True)
    assert len(fetch_url(f"{server}/big", max_bytes=5000, timeout=5, allow_private=True).content) == 5000


def test_http_errors_timeouts_and_dead_hosts(server: str) -> None:
    with pytest.raises(FetchStatus, match="HTTP 404") as info:
        fetch_url(f"{server}/missing.pdf", max_bytes=10_000, timeout=5, allow_private=True)
    assert info.value.status == 404 and info.value.retry_after is None and is_permanent(info.value)
    with pytest.raises(FetchTimeout, match="timed out after 0.3 s") as timeout:
        fetch_url(f"{server}/slow", max_bytes=10_000, timeout=0.3, allow_private=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free once closed, so nothing listens there
    assert not is_permanent(timeout.value)  # a connect/read timeout may pass: retried
    with pytest.raises(FetchUnavailable, match=f"could not fetch http://127.0.0.1:{port}/cv.pdf: ") as dead:
        fetch_url(f"http://127.0.0.1:{port}/cv.pdf", max_bytes=10_000, timeout=5, allow_private=True)
    assert not is_permanent(dead.value)

