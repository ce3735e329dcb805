"""ResearchNode: company fields from the source, the company's own website (optional), and the cache."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from jobagent.api import runs
from jobagent.store.models import Match
from jobagent.store.session import session_scope


class _Site(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits.append(self.path)
        body = b"<html><body><h1>Acme Rockets</h1><p>We build reusable rockets in Berlin.</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("Site", (_Site,), {"hits": hits}))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/about", hits
    httpd.shutdown()


def _feed(tmp_path: Path, website: str) -> str:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([{
        "id": "r1", "title": "Rocket Engineer", "company": "Acme Rockets", "location": "Berlin",
        "url": "https://acme.example/jobs/1", "description": "Build rockets with Python.",
        "company_url": website, "company_industry": "Aerospace", "company_size": "51-200",
        "company_description": "Acme Rockets makes reusable launch vehicles.",
        "salary": {"min": 70000, "max": 90000, "currency": "EUR", "interval": "year"},
    }]))
    return f"feed:{path}"


def _notes(run_id: str) -> str:
    with session_scope() as s:
        return s.query(Match).filter(Match.run_id == run_id).one().company_notes


def test_notes_use_source_fields_website_and_cache(env, store_url: str, tmp_path: Path, site) -> None:
    url, hits = site
    env(database_url=store_url, JOBAGENT_RESEARCH_FETCH_WEBSITES="true", JOBAGENT_ALLOW_PRIVATE_URLS="true")
    feed = _feed(tmp_path, url)
    first = runs.submit_job_search("rocket engineer", location="Berlin", sources=[feed])
    notes = _notes(first.run_id)
    assert "- Industry: Aerospace" in notes and "- Size: 51-200" in notes
    assert "About (from the source): Acme Rockets makes reusable launch vehicles." in notes
    assert f'- From {url}: "Acme Rockets We build reusable rockets in Berlin."' in notes
    second = runs.submit_job_search("rocket engineer", location="Berlin", sources=[feed])
    assert _notes(second.run_id) == notes and hits == ["/about"]  # cached: the site was read once


def test_private_website_is_refused_by_default(env, store_url: str, tmp_path: Path, site) -> None:
    url, hits = site
    env(database_url=store_url, JOBAGENT_RESEARCH_FETCH_WEBSITES="true")
    sub = runs.submit_job_search("rocket engineer", location="Berlin", sources=[_feed(tmp_path, url)])
    assert runs.get_status(sub.run_id).model_dump()["status"] == "completed"
    assert "- Website not read: refused URL" in _notes(sub.run_id) and hits == []
