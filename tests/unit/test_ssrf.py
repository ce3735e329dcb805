"""The SSRF guard: IPv6 forms that embed IPv4, site-local, the allow-list, and DNS rebinding (issue 11 item 5).

Everything runs against real HTTP servers on loopback addresses (127.0.0.1 and 127.0.0.2); only the
resolver is replaced, to answer the way a rebinding DNS server would.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jobagent.errors import FetchRefused, InvalidInput
from jobagent.fetch_policy import AddressPolicy, check_url, forbidden_reason
from jobagent.fetching import fetch_url
from jobagent.retry_policy import is_permanent


@pytest.mark.parametrize(("url", "reason"), [
    ("http://[2002:7f00:1::]/cv.pdf", "reaches 127.0.0.1, a loopback address"),  # 6to4 of 127.0.0.1
    ("http://[2002:a9fe:a9fe::1]/", "reaches 169.254.169.254, a link-local address"),  # 6to4 of metadata
    ("http://[64:ff9b::a9fe:a9fe]/", "reaches 169.254.169.254, a link-local address"),  # NAT64
    ("http://[64:ff9b::7f00:1]/", "reaches 127.0.0.1, a loopback address"),
    ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "reaches 127.0.0.1, a loopback"),  # Teredo client
    ("http://[fec0::1]/cv.pdf", "fec0::1 is a site-local address"),
    ("http://[::ffff:169.254.169.254]/", "reaches 169.254.169.254, a link-local address"),
])
def test_embedded_ipv4_and_site_local_are_refused(url: str, reason: str) -> None:
    with pytest.raises(FetchRefused) as info:
        check_url(url)
    assert reason in str(info.value) and is_permanent(info.value)
    assert isinstance(info.value, InvalidInput)  # still an input error for every face


def test_public_ipv4_behind_nat64_and_6to4_passes() -> None:
    check_url("http://[64:ff9b::808:808]/")  # DNS64 answers like this for public IPv4-only hosts
    check_url("http://[2002:808:808::1]/")


def test_allow_list_of_hosts_and_networks() -> None:
    import ipaddress

    policy = AddressPolicy.parse("cvs.internal, 10.20.0.0/16, 169.254.169.254/32")
    assert forbidden_reason(ipaddress.ip_address("10.20.3.4"), "anything", policy) is None
    assert forbidden_reason(ipaddress.ip_address("10.21.3.4"), "anything", policy) is not None
    assert forbidden_reason(ipaddress.ip_address("192.168.1.5"), "cvs.internal", policy) is None
    assert forbidden_reason(ipaddress.ip_address("192.168.1.5"), "other.internal", policy) is not None
    assert forbidden_reason(ipaddress.ip_address("169.254.169.254"), "x", policy) is None  # listed explicitly
    # A listed *name* never opens link-local: a name can be pointed at the metadata service at any time.
    names_only = AddressPolicy.parse("cvs.internal")
    assert "link-local" in (forbidden_reason(ipaddress.ip_address("169.254.169.254"), "cvs.internal", names_only)
                            or "")
    # The older all-private switch keeps working for development, but not for link-local either.
    legacy = AddressPolicy(allow_private=True)
    assert forbidden_reason(ipaddress.ip_address("127.0.0.1"), "x", legacy) is None
    assert forbidden_reason(ipaddress.ip_address("169.254.169.254"), "x", legacy) is not None
    assert forbidden_reason(ipaddress.ip_address("2002:a9fe:a9fe::"), "x", legacy) is not None


def test_allowed_private_hosts_setting(env) -> None:
    env(JOBAGENT_ALLOWED_PRIVATE_HOSTS="127.0.0.0/8, localhost")
    assert check_url("http://127.0.0.5:9/cv.pdf")  # the network is listed
    assert check_url("http://localhost:9/cv.pdf")
    with pytest.raises(FetchRefused, match="link-local"):
        check_url("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchRefused, match="10.0.0.1 is a private address"):
        check_url("http://10.0.0.1/")


class _Recorder(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.server.hits.append((self.path, self.headers.get("Host")))  # type: ignore[attr-defined]
        body = self.server.body  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve(address: str, port: int, body: bytes) -> ThreadingHTTPServer:
    httpd = ThreadingHTTPServer((address, port), _Recorder)
    httpd.hits, httpd.body = [], body  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture
def two_servers() -> Iterator[tuple[int, ThreadingHTTPServer, ThreadingHTTPServer]]:
    """The same port on 127.0.0.2 (the checked, allowed host) and 127.0.0.1 (an internal service)."""
    public = _serve("127.0.0.2", 0, b"the public CV")
    port = public.server_address[1]
    internal = _serve("127.0.0.1", port, b"internal secrets")
    yield port, public, internal
    for httpd in (public, internal):
        httpd.shutdown()
        httpd.server_close()


def test_dns_rebinding_connects_to_the_checked_address(env, monkeypatch: pytest.MonkeyPatch,
                                                       two_servers) -> None:
    port, public, internal = two_servers
    env(JOBAGENT_ALLOWED_PRIVATE_HOSTS="127.0.0.2/32")  # stands in for a public address
    real = socket.getaddrinfo
    answers = iter(["127.0.0.2"] + ["127.0.0.1"] * 20)  # first the allowed address, then the internal one

    def rebinding(host, port_, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "cv.rebind.test":
            return real(next(answers), port_, *args, **kwargs)
        return real(host, port_, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    doc = fetch_url(f"http://cv.rebind.test:{port}/cv.txt", max_bytes=10_000, timeout=5)
    assert doc.content == b"the public CV"
    assert internal.hits == []  # a second lookup (httpx's own) would have landed here
    assert public.hits == [("/cv.txt", f"cv.rebind.test:{port}")]  # the original Host header is sent


def test_unchecked_rebinding_answer_is_refused_not_followed(env, monkeypatch: pytest.MonkeyPatch,
                                                            two_servers) -> None:
    port, public, internal = two_servers
    env(JOBAGENT_ALLOWED_PRIVATE_HOSTS="127.0.0.2/32")
    real = socket.getaddrinfo

    def rebinding(host, port_, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "cv.rebind.test":
            return real("127.0.0.1", port_, *args, **kwargs)
        return real(host, port_, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with pytest.raises(FetchRefused, match="127.0.0.1 is a loopback address"):
        fetch_url(f"http://cv.rebind.test:{port}/cv.txt", max_bytes=10_000, timeout=5)
    assert internal.hits == [] and public.hits == []


def test_https_through_the_pinned_address_keeps_sni_and_verifies_the_name(
        env, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """TLS to the pinned IP still sends the host name as SNI and checks the certificate against it."""
    import ssl
    import subprocess

    import jobagent.fetching as fetching

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=cv.pin.test", "-addext",
                    "subjectAltName=DNS:cv.pin.test"], check=True, capture_output=True)
    server_names: list[str | None] = []
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    server_ctx.sni_callback = lambda sock, name, ctx: server_names.append(name)  # type: ignore[func-returns-value]
    httpd = _serve("127.0.0.2", 0, b"the public CV over TLS")
    httpd.socket = server_ctx.wrap_socket(httpd.socket, server_side=True)
    port = httpd.server_address[1]
    env(JOBAGENT_ALLOWED_PRIVATE_HOSTS="127.0.0.2/32")
    monkeypatch.setattr(fetching, "_ssl_context", lambda: ssl.create_default_context(cafile=str(cert)))
    real = socket.getaddrinfo
    answers = iter(["127.0.0.2"] + ["127.0.0.1"] * 20)

    def rebinding(host, port_, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "cv.pin.test":
            return real(next(answers), port_, *args, **kwargs)
        return real(host, port_, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    try:
        doc = fetch_url(f"https://cv.pin.test:{port}/cv.txt", max_bytes=10_000, timeout=5)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert doc.content == b"the public CV over TLS"
    assert server_names == ["cv.pin.test"] and httpd.hits == [("/cv.txt", f"cv.pin.test:{port}")]
