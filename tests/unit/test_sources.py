"""Posting sources against fixtures served from a local HTTP server (no outside network)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from jobagent.errors import (
    FetchRefused,
    FetchStatus,
    FetchTimeout,
    FetchUnavailable,
    InvalidInput,
    SourceError,
)
from jobagent.postings.schema import PostingData
from jobagent.postings.sources import ArbeitnowSource, HttpOptions, LeverSource, parse_source
from jobagent.retry_policy import is_permanent, is_transient

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
HTML_GARBAGE = b"<!DOCTYPE html><html><body><h1>Access denied</h1></body></html>"
HUGE_SIZE = 64 * 1024


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _fixture(self, name: str, content_type: str = "application/json") -> None:
        self._send(200, (FIXTURES / name).read_bytes(), content_type)

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        with self.server.lock:
            self.server.hits.append(self.path)
            count = sum(1 for hit in self.server.hits if urlsplit(hit).path == path)
        if path == "/v1/boards/acme/jobs":
            self._fixture("greenhouse.json")
        elif path == "/v1/boards/broken/jobs":
            self._send(500, b"internal error", "text/plain")
        elif path == "/v1/boards/flaky/jobs":
            if count == 1:
                self._send(503, b"try later", "text/plain")
            else:
                self._fixture("greenhouse.json")
        elif path == "/v1/boards/html/jobs":
            self._send(200, HTML_GARBAGE, "text/html")
        elif path == "/v1/boards/shape/jobs":
            self._send(200, b'{"jobs": "not a list"}')
        elif path == "/v1/boards/huge/jobs":
            self._send(200, b'{"jobs": [' + b" " * HUGE_SIZE + b"]}")
        elif path == "/v1/boards/redirect/jobs":
            self.send_response(302)
            self.send_header("Location", "/v1/boards/acme/jobs?content=true")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/v0/postings/globex":
            self._fixture("lever.json")
        elif path == "/v0/postings/wrongshape":
            self._send(200, b'{"postings": []}')
        elif path == "/api/remote-jobs":
            self._fixture("remotive.json")
        elif path == "/api/job-board-api":
            page = int(query.get("page", ["1"])[0])
            if 1 <= page <= 3:
                self._fixture(f"arbeitnow_page{page}.json")
            else:
                self._send(404, b"{}")
        elif path == "/feeds/jobs.rss":
            self._fixture("jobs.rss", "application/rss+xml")
        elif path == "/feeds/not-a-feed":
            self._send(200, b"just some words, no markup at all", "text/plain")
        else:
            self._send(404, b'{"error": "not found"}')


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[str] = []
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


@pytest.fixture
def hits(server: _Server) -> list[str]:
    with server.lock:
        server.hits.clear()
    return server.hits


class SleepRecorder:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


def _http(server: _Server, sleeps: SleepRecorder, **overrides: object) -> HttpOptions:
    options = HttpOptions(base_urls={k: server.base for k in ("greenhouse", "lever", "remotive", "arbeitnow")},
                          allow_private=True, timeout=5.0, backoff=0.01, sleep=sleeps)
    for key, value in overrides.items():
        setattr(options, key, value)
    return options


def _by_title(postings: list[PostingData]) -> dict[str, PostingData]:
    return {p.title: p for p in postings}


# --- mapping of each source ---------------------------------------------------------------------------


def test_greenhouse_maps_jobs(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    source = parse_source("greenhouse:acme", http=_http(server, sleeps))
    postings = source.fetch(10)
    assert [p.title for p in postings] == ["Senior Python Engineer", "Platform Engineer (Remote)"]  # untitled skipped
    senior, platform = postings
    assert senior.source == "greenhouse:acme"
    assert senior.external_id == "4012345"
    assert senior.company == "acme"
    assert senior.location == "Berlin, Germany"
    assert senior.url == "https://boards.greenhouse.io/acme/jobs/4012345"
    assert senior.remote is False
    assert senior.posted_at == datetime(2024, 3, 1, 15, 30, tzinfo=UTC)
    assert senior.posted_at is not None and senior.posted_at.utcoffset() is not None
    assert senior.description.startswith("Build data pipelines in Python.")
    assert "- Postgres" in senior.description and "<" not in senior.description
    assert "&lt;" not in senior.description
    assert platform.remote is True
    assert platform.description == "Kubernetes & Terraform"
    assert hits == ["/v1/boards/acme/jobs?content=true"]


def test_greenhouse_company_override_and_limit(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    source = parse_source("greenhouse:acme?company=Acme Corp", http=_http(server, sleeps))
    postings = source.fetch(1)
    assert len(postings) == 1
    assert postings[0].company == "Acme Corp"
    assert postings[0].source == "greenhouse:acme?company=Acme Corp"


def test_lever_maps_postings(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    postings = parse_source("lever:globex", http=_http(server, sleeps)).fetch(10)
    by = _by_title(postings)
    assert set(by) == {"Backend Developer", "Data Scientist"}
    backend = by["Backend Developer"]
    assert backend.external_id == "5f1c2d3e-aaaa-bbbb-cccc-000000000001"
    assert backend.company == "globex"
    assert backend.location == "London, UK"
    assert backend.employment_type == "Full-time"
    assert backend.remote is False
    assert (backend.salary_min, backend.salary_max, backend.salary_currency) == (70000.0, 90000.0, "GBP")
    assert (backend.salary_interval, backend.salary_annual_max) == ("year", 90000.0)  # from "per-year-salary"
    assert backend.posted_at == datetime(2024, 3, 1, tzinfo=UTC)  # createdAt is in milliseconds
    assert backend.description == "We need a backend developer who knows Go and SQL."
    scientist = by["Data Scientist"]
    assert scientist.remote is True
    # No salaryRange: its pay is in the salary description, a day rate.
    assert (scientist.salary_min, scientist.salary_max, scientist.salary_currency, scientist.salary_interval) == (
        600.0, 700.0, "EUR", "day")
    assert (scientist.salary_annual_min, scientist.salary_text) == (156_000.0, "€600 - €700 per day, outside IR35")
    assert scientist.employment_type == "Contract"
    assert hits == ["/v0/postings/globex?mode=json"]


def test_remotive_maps_jobs(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    postings = parse_source("remotive:python dev", http=_http(server, sleeps)).fetch(10)
    by = _by_title(postings)
    python = by["Python Developer"]
    assert python.company == "Initech"
    assert python.remote is True and by["Site Reliability Engineer"].remote is True
    assert python.location == "Europe"
    assert python.employment_type == "full_time"
    assert (python.salary_min, python.salary_max, python.salary_currency) == (100000.0, 120000.0, "USD")
    assert python.posted_at == datetime(2024, 3, 5, 12, tzinfo=UTC)
    assert python.description == "Work on Django apps."  # script dropped
    assert by["Site Reliability Engineer"].salary_min is None
    assert python.source == "remotive:python dev"
    query = parse_qs(urlsplit(hits[0]).query)
    assert query["search"] == ["python dev"]


def test_arbeitnow_paginates_until_limit(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    source = parse_source("arbeitnow", http=_http(server, sleeps))
    postings = source.fetch(4)
    assert [p.title for p in postings] == ["Engineer 1", "Engineer 2", "Engineer 3", "Engineer 4"]
    assert [urlsplit(h).query for h in hits] == ["page=1", "page=2"]  # stopped once the limit was reached
    third = postings[2]
    assert third.remote is True and postings[0].remote is False
    assert third.company == "Company 3"
    assert third.external_id == "job-3-berlin"
    assert postings[0].employment_type == "full time" and postings[1].employment_type is None
    assert postings[0].posted_at == datetime(2024, 3, 7, 23, tzinfo=UTC)
    assert postings[0].description == "Role 1 using python."


def test_arbeitnow_stops_when_no_next_page(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    source = parse_source("arbeitnow", http=_http(server, sleeps))
    assert isinstance(source, ArbeitnowSource)
    postings = source.fetch(100)
    assert len(postings) == 9
    assert source.pages_fetched == 3
    assert [urlsplit(h).query for h in hits] == ["page=1", "page=2", "page=3"]  # page 4 never asked for


def test_arbeitnow_query_filters(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    postings = parse_source("arbeitnow:java", http=_http(server, sleeps)).fetch(100)
    assert [p.title for p in postings] == ["Engineer 2", "Engineer 4", "Engineer 6", "Engineer 8"]
    assert all(p.source == "arbeitnow:java" for p in postings)


def test_arbeitnow_page_cap(monkeypatch: pytest.MonkeyPatch, server: _Server, hits: list[str],
                            sleeps: SleepRecorder) -> None:
    monkeypatch.setattr("jobagent.postings.sources.boards.ARBEITNOW_MAX_PAGES", 2)
    postings = parse_source("arbeitnow", http=_http(server, sleeps)).fetch(100)
    assert len(postings) == 6
    assert len(hits) == 2


def test_json_feed_source() -> None:
    path = str(FIXTURES / "feed.json")
    source = parse_source(f"feed:{path}")
    postings = source.fetch(10)
    assert [p.title for p in postings] == ["QA Engineer", "Support Lead"]
    assert postings[0].remote is True
    assert all(p.source == f"feed:{path}" for p in postings)
    assert len(source.fetch(1)) == 1


# --- RSS / Atom -------------------------------------------------------------------------------------


def test_rss_from_local_file() -> None:
    path = str(FIXTURES / "jobs.rss")
    postings = parse_source(f"rss:{path}").fetch(10)
    assert [p.title for p in postings] == ["Remote Rust Engineer", "Office Manager"]
    rust, office = postings
    assert rust.company == "Acme Careers"  # the channel title when items name no author
    assert rust.external_id == "acme-rust-1"
    assert rust.remote is True and office.remote is False
    assert rust.posted_at == datetime(2024, 3, 4, 14, tzinfo=UTC)
    assert rust.description == "Systems work in Rust."
    assert office.external_id and office.external_id != "acme-rust-1"  # hashed from the link
    assert office.posted_at == datetime(2024, 3, 1, 9, tzinfo=UTC)
    assert rust.source == f"rss:{path}"


def test_atom_uses_author_as_company() -> None:
    postings = parse_source(f"rss:{FIXTURES / 'jobs.atom'}").fetch(10)
    assert len(postings) == 1
    assert postings[0].company == "Globex Corp"
    assert postings[0].url == "https://globex.example/jobs/ml"
    assert postings[0].description == "Train models."
    assert postings[0].posted_at == datetime(2024, 3, 2, 10, tzinfo=UTC)


def test_rss_over_http(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    url = f"{server.base}/feeds/jobs.rss"
    postings = parse_source(f"rss:{url}", http=_http(server, sleeps)).fetch(1)
    assert [p.title for p in postings] == ["Remote Rust Engineer"]
    assert hits == ["/feeds/jobs.rss"]


def test_rss_over_http_refuses_loopback_by_default(server: _Server, hits: list[str]) -> None:
    source = parse_source(f"rss:{server.base}/feeds/jobs.rss")
    with pytest.raises(FetchRefused, match="refused URL"):
        source.fetch(5)
    assert hits == []


def test_rss_not_a_feed(server: _Server, hits: list[str], sleeps: SleepRecorder, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not an RSS or Atom feed"):
        parse_source(f"rss:{server.base}/feeds/not-a-feed", http=_http(server, sleeps)).fetch(5)
    with pytest.raises(InvalidInput, match="RSS feed not found"):
        parse_source(f"rss:{tmp_path / 'missing.xml'}").fetch(5)


# --- failures, retries, the SSRF guard ------------------------------------------------------------------


def test_server_errors_are_retried_twice(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    with pytest.raises(FetchStatus, match="HTTP 500") as info:
        parse_source("greenhouse:broken", http=_http(server, sleeps)).fetch(5)
    assert info.value.status == 500 and not is_permanent(info.value)  # the workflow may retry it later
    assert len(hits) == 3
    assert sleeps.delays == [0.01, 0.02]


def test_transient_error_then_success(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    postings = parse_source("greenhouse:flaky", http=_http(server, sleeps)).fetch(5)
    assert len(postings) == 2
    assert len(hits) == 2
    assert sleeps.delays == [0.01]


def test_connection_refused_is_retried(sleeps: SleepRecorder) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    http = HttpOptions(base_urls={"lever": f"http://127.0.0.1:{port}"}, allow_private=True, timeout=2.0,
                       backoff=0.01, sleep=sleeps)
    with pytest.raises(FetchUnavailable, match="could not fetch"):
        parse_source("lever:globex", http=http).fetch(5)
    assert len(sleeps.delays) == 2


def test_html_instead_of_json_is_not_retried(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    with pytest.raises(SourceError, match="is not JSON") as info:
        parse_source("greenhouse:html", http=_http(server, sleeps)).fetch(5)
    assert "\n" not in str(info.value)
    assert "<!DOCTYPE html>" in str(info.value)
    assert len(hits) == 1 and sleeps.delays == []


@pytest.mark.parametrize(("spec", "expected"), [
    ("greenhouse:shape", 'expected an object with a "jobs" list'),
    ("lever:wrongshape", "expected a list of postings"),
])
def test_wrong_shape(server: _Server, hits: list[str], sleeps: SleepRecorder, spec: str, expected: str) -> None:
    with pytest.raises(SourceError, match=expected):
        parse_source(spec, http=_http(server, sleeps)).fetch(5)


def test_huge_body_is_refused_without_retry(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    http = _http(server, sleeps, max_bytes=16 * 1024)
    with pytest.raises(FetchRefused, match="larger than 16 KB"):
        parse_source("greenhouse:huge", http=http).fetch(5)
    assert len(hits) == 1 and sleeps.delays == []


def test_not_found_is_not_retried(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    with pytest.raises(FetchStatus, match="HTTP 404") as info:
        parse_source("lever:nobody", http=_http(server, sleeps)).fetch(5)
    assert info.value.status == 404 and is_permanent(info.value)
    assert len(hits) == 1 and sleeps.delays == []


def test_redirects_are_followed(server: _Server, hits: list[str], sleeps: SleepRecorder) -> None:
    postings = parse_source("greenhouse:redirect", http=_http(server, sleeps)).fetch(5)
    assert len(postings) == 2
    assert postings[0].source == "greenhouse:redirect"
    assert hits == ["/v1/boards/redirect/jobs?content=true", "/v1/boards/acme/jobs?content=true"]


def test_loopback_refused_without_allow_private(server: _Server, hits: list[str]) -> None:
    source = parse_source("greenhouse:acme", base_urls={"greenhouse": server.base})
    with pytest.raises(FetchRefused) as refused:
        source.fetch(5)
    assert "refused URL" in str(refused.value) and "loopback" in str(refused.value)
    assert is_permanent(refused.value)
    assert hits == []  # the guard refused before any request left


def test_settings_like_object_enables_private(server: _Server, hits: list[str]) -> None:
    settings = SimpleNamespace(allow_private_urls=True, http_timeout=5.0)
    source = parse_source("lever:globex", settings=settings, base_urls={"lever": server.base})
    assert len(source.fetch(5)) == 2
    denied = parse_source("lever:globex", settings=settings, allow_private=False, base_urls={"lever": server.base})
    with pytest.raises(FetchRefused, match="refused URL"):
        denied.fetch(5)


def _harvest_env(env, tmp_path: Path, server: _Server) -> None:
    """An embedded SQLite store and the fixture server as every board's base URL: the harvest's settings."""
    import json

    from jobagent.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    upgrade(url)
    env(database_url=url, JOBAGENT_ALLOW_PRIVATE_URLS="true",
        JOBAGENT_SOURCE_BASE_URLS=json.dumps({k: server.base for k in ("greenhouse", "lever", "remotive")}))


def test_a_harvest_reports_failing_sources_and_keeps_the_rest(server: _Server, env, tmp_path: Path) -> None:
    """The production path (the harvest; fetch_all, which tests alone used, is gone): a failing source is
    reported with one line and whether retrying can help, and the others' postings are stored."""
    from jobagent.postings.harvest import harvest_sources

    _harvest_env(env, tmp_path, server)
    missing = f"feed:{FIXTURES / 'missing.json'}"
    reports = {r.source: r for r in harvest_sources(
        ["greenhouse:acme", "greenhouse:html", "greenhouse:broken", "lever:globex", "remotive:python", missing])}
    assert {s for s, r in reports.items() if r.outcome == "ok"} == {"greenhouse:acme", "lever:globex",
                                                                   "remotive:python"}
    assert all(reports[s].new > 0 for s in ("greenhouse:acme", "lever:globex", "remotive:python"))
    failed = {s: r for s, r in reports.items() if r.outcome == "failed"}
    assert set(failed) == {"greenhouse:html", "greenhouse:broken", missing}
    assert "not JSON" in (failed["greenhouse:html"].error or "")
    assert "HTTP 500" in (failed["greenhouse:broken"].error or "")
    assert "not found" in (failed[missing].error or "") and failed[missing].permanent
    assert all("\n" not in (r.error or "") for r in failed.values())


# --- spec parsing and helpers ---------------------------------------------------------------------------


def test_unknown_kind_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match=r"unknown source kind 'indeed'.*use one of feed, rss, greenhouse"):
        parse_source("indeed:python")
    with pytest.raises(InvalidInput, match="needs a value"):
        parse_source("greenhouse:")


def test_default_base_urls_are_the_real_hosts() -> None:
    source = parse_source("lever:globex")
    assert isinstance(source, LeverSource)
    assert source.http.base("lever") == "https://api.lever.co"
    assert source.name == "lever:globex"
    board = parse_source("arbeitnow")
    assert isinstance(board, ArbeitnowSource)
    assert board.http.base("arbeitnow") == "https://www.arbeitnow.com"


def test_retry_classification_is_by_type_not_message() -> None:
    # The same words that the old message regex keyed on, under the other type, get the other answer.
    assert is_transient(FetchStatus("could not fetch http://x/: HTTP 404 Not Found", status=502))
    assert not is_transient(FetchStatus("could not fetch http://x/: HTTP 502 Bad Gateway", status=404))
    assert is_transient(FetchTimeout("could not fetch http://x/: timed out after 20 s"))
    assert is_transient(FetchUnavailable("could not fetch http://x/: [Errno 111] Connection refused"))
    assert not is_transient(FetchRefused("could not fetch http://x/: timed out"))
    assert not is_transient(SourceError("could not fetch http://x/: HTTP 503"))
