"""Issue 23 §10-§11: a bad value is the user's 4xx (HTTP) or exit 3 (CLI), never a 500 or "retry later";
a chunked body over the cap is the documented 413. Real gunicorn shim (``jobagent serve``), PostgreSQL, Redis.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jobagent.limits import MAX_QUERY
from jobagent.store.models import Run, UserProfile
from jobagent.store.session import session_scope
from tests.conftest import run_cli
from tests.web_stack import WebStack


@pytest.fixture
def shim(live: dict[str, str], tmp_path: Path) -> Iterator[WebStack]:
    stack = WebStack(live, tmp_path)
    try:
        stack.start_shim(workers=1)
        yield stack
    finally:
        stack.stop()


def _profile() -> str:
    with session_scope() as s:
        p = UserProfile(name="Ada", email="ada@example.org", location="Berlin", suggested_titles=["Welder"])
        s.add(p)
        s.flush()
        return p.id


def _runs() -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(Run)) or 0


def _chunks(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


def test_bad_values_are_input_errors_on_both_faces(shim: WebStack, live: dict[str, str]) -> None:
    profile = _profile()
    with shim.client(shim.shim_url) as http:
        resp = http.get(f"/profiles/{profile}/board", params={"since": "99999999999d"})
        assert resp.status_code == 400 and resp.json()["error"] == "invalid_input", resp.text
        assert "since must be at most" in resp.json()["detail"]
        for length in (MAX_QUERY + 1, 500):  # passed the schema (max 500), then failed the column: a 503
            resp = http.post("/workflow/job-search", json={"query": "a" * length, "location": "Berlin"})
            assert resp.status_code == 422 and resp.json()["error"] == "invalid_request", resp.text
        resp = http.post("/workflow/job-search", json={"query": "ß" * 200, "location": "Berlin"})  # 400 folded
        assert resp.status_code == 400 and "query is longer than 300" in resp.json()["detail"], resp.text
    cli = run_cli("board", profile, "--since", "99999999999d", environ=live)
    assert cli.returncode == 2 and "since must be at most" in cli.stderr, cli.stderr  # a usage error
    assert "Traceback" not in cli.stderr
    cli = run_cli("search", "a" * 400, "--location", "Berlin", environ=live)
    assert cli.returncode == 3 and "query is longer than 300 characters" in cli.stderr, cli.stderr
    cli = run_cli("retry", "--failed", "--since", "infd", environ=live)
    assert cli.returncode == 2 and "Traceback" not in cli.stderr, cli.stderr
    cv = shim.log_dir / "cv.md"
    cv.write_text((Path(__file__).resolve().parents[2] / "jobagent" / "data" / "sample_cv.md").read_text())
    cli = run_cli("profile", "create", "--name", "Ada", "--email", "ada@example.org", "--cv", str(cv),
                  "--location", "a" * 300, environ=live)
    assert cli.returncode == 3 and "location is longer than 200 characters" in cli.stderr, cli.stderr
    assert _runs() == 0  # nothing half-written


def test_a_chunked_body_over_the_cap_is_413(shim: WebStack) -> None:
    body = b'{"query": "welder", "location": "Berlin", "pad": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    with shim.client(shim.shim_url) as http:
        resp = http.post("/workflow/job-search", content=_chunks(body),
                         headers={"Content-Type": "application/json"})
        assert resp.status_code == 413 and resp.json()["error"] == "request_entity_too_large", resp.text
        small = b'{"query": "welder", "location": "Berlin"}'
        resp = http.post("/workflow/job-search", content=_chunks(small, 8),
                         headers={"Content-Type": "application/json"})
        assert resp.status_code == 202, resp.text  # a chunked body under the cap is read whole
    assert _runs() == 1
