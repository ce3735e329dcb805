"""DiscoveryNode over real HTTP sources: a board served on 127.0.0.1, one source down, dedup across runs.

Since issue 12 a search harvests a named source only when its last harvest is older than
JOBAGENT_SOURCE_FRESHNESS, then searches the store; a repeat within the hour sends no request."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from jobagent.api import postings, runs
from jobagent.errors import InvalidInput

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"


HITS: list[str] = []


class _Board(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        HITS.append(self.path)
        if self.path.startswith("/v1/boards/acme/jobs"):
            body, status = (FIXTURES / "greenhouse.json").read_bytes(), 200
        else:
            body, status = b"upstream exploded", 500
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def board() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Board)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_sources_with_one_down(env, store_url: str, board: str) -> None:
    env(database_url=store_url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0.01",
        JOBAGENT_SOURCE_BASE_URLS=json.dumps({"greenhouse": board, "lever": board}))
    HITS.clear()
    sub = runs.submit_job_search("engineer", location="Berlin", sources=["greenhouse:acme", "lever:acme"])
    st = runs.get_status(sub.run_id).model_dump()
    assert st["status"] == "completed", st
    result = st["result"]
    assert list(result["source_failures"]) == ["lever:acme"] and "500" in result["source_failures"]["lever:acme"]
    assert result["postings_found"] == 2 and result["new_postings"] == 2  # the untitled entry is skipped
    titles = {m.title for m in postings.list_matches(sub.run_id)}
    assert titles == {"Senior Python Engineer", "Platform Engineer (Remote)"}

    assert st["result"]["search"] == "searched 2 open postings from 2 sources; scored 2 candidates; kept 2"
    fetched = len(HITS)
    assert fetched == 1 + 3  # greenhouse once; lever's 500 tried three times

    again = runs.submit_job_search("engineer", location="Berlin", sources=["greenhouse:acme"])
    result = runs.get_status(again.run_id).model_dump()["result"]
    assert result["new_postings"] == 0 and result["postings_found"] == 2  # from the store, not stored twice
    assert len(HITS) == fetched  # harvested minutes ago: the repeat fetches nothing


def test_all_sources_down_fails_the_run_with_reasons(env, store_url: str, board: str) -> None:
    env(database_url=store_url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0.01",
        JOBAGENT_SOURCE_BASE_URLS=json.dumps({"lever": board}))
    st = runs.get_status(runs.submit_job_search("engineer", location="Berlin", sources=["lever:acme"])
                         .run_id).model_dump()
    assert st["status"] == "failed"
    # A typed error (SourcesUnavailable: a 500 may pass, so a worker would retry it), not a bare RuntimeError.
    assert st["error_message"].startswith("DiscoveryNode: every posting source failed: lever:acme")
    assert "HTTP 500" in st["error_message"]


def test_bad_source_specs_are_refused_before_any_row(env, store_url: str, tmp_path: Path) -> None:
    env(database_url=store_url)
    with pytest.raises(InvalidInput, match="unknown source kind"):
        runs.submit_job_search("engineer", location="Berlin", sources=["monster:acme"])
    with pytest.raises(InvalidInput, match="postings feed not found"):
        runs.submit_job_search("engineer", location="Berlin", sources=[f"feed:{tmp_path / 'missing.json'}"])
    assert runs.list_runs() == []


def test_private_board_refused_by_default(env, store_url: str, board: str) -> None:
    env(database_url=store_url, JOBAGENT_SOURCE_BASE_URLS=json.dumps({"greenhouse": board}))
    st = runs.get_status(runs.submit_job_search("engineer", location="Berlin", sources=["greenhouse:acme"])
                         .run_id).model_dump()
    assert st["status"] == "failed" and "refused URL" in st["error_message"]
