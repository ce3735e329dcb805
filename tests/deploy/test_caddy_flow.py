"""The whole flow as a client sees it: Caddy (the repository's Caddyfile) → gunicorn (``jobagent serve``) →
core → Redis → a real ``jobagent worker`` → PostgreSQL, over plain HTTP on loopback.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import Workers
from tests.servers import require_tool
from tests.web_stack import CADDYFILE, CV_MARKDOWN, RQ_PASSWORD, RQ_USER, FileServer, WebStack


def _wait_done(http: httpx.Client, status_url: str, timeout: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen_nodes: set[str] = set()
    while time.monotonic() < deadline:
        resp = http.get(status_url)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        if body["current_node"]:
            seen_nodes.add(body["current_node"])
        if body["status"] in ("completed", "failed"):
            body["seen_nodes"] = seen_nodes
            return body
        time.sleep(0.3)
    raise AssertionError(f"{status_url} not finished after {timeout} s: {body}")


def test_caddyfile_validates_for_a_real_domain(tmp_path: Path) -> None:
    require_tool("caddy", "caddy")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "d"),
           "XDG_CONFIG_HOME": str(tmp_path / "c")}
    for extra in ({}, {"JOBAGENT_DOMAIN": "jobs.example.com", "JOBAGENT_RQ_PASSWORD_HASH": "$2a$14$" + "x" * 53}):
        out = subprocess.run(["caddy", "validate", "--adapter", "caddyfile", "--config", str(CADDYFILE)],
                             env={**env, **extra}, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and "Valid configuration" in out.stderr + out.stdout, out.stderr
    adapted = subprocess.run(["caddy", "adapt", "--adapter", "caddyfile", "--config", str(CADDYFILE)],
                             env={**env, "JOBAGENT_DOMAIN": "jobs.example.com"}, capture_output=True, text=True,
                             timeout=60)
    assert adapted.returncode == 0 and '"jobs.example.com"' in adapted.stdout
    assert '"max_size":1000000' in adapted.stdout and '"http_basic"' in adapted.stdout
    assert '"automatic_https"' not in adapted.stdout  # a real domain keeps automatic TLS on


def test_profile_then_search_from_profile_through_caddy(stack: WebStack, workers: Workers, tmp_path: Path) -> None:
    (tmp_path / "cvs").mkdir()
    (tmp_path / "cvs" / "jane.md").write_text(CV_MARKDOWN)
    workers.start()  # long-running, as in production
    with FileServer(tmp_path / "cvs") as cvs, stack.client(stack.caddy_url) as http:
        health = http.get("/api/health", headers={"Authorization": ""})
        assert health.status_code == 200 and health.json() == {"status": "ok", "embedded": False, "redis": "ok",
                                                               "database": "ok"}
        assert health.headers["X-Content-Type-Options"] == "nosniff" and "Server" not in health.headers
        assert "max-age=" in health.headers["Strict-Transport-Security"]
        assert httpx.post(f"{stack.caddy_url}/api/workflow/profiling", json={}).status_code == 401

        resp = http.post("/api/workflow/profiling", json={"name": "Jane Doe", "email": "jane@example.com",
                                                          "cv_urls": [cvs.url("jane.md")], "location": "Berlin"})
        assert resp.status_code == 202, resp.text
        assert resp.json()["status_url"].startswith("/api/workflow/status/")
        profiled = _wait_done(http, resp.json()["status_url"])
        assert profiled["status"] == "completed", (profiled, workers.logs())
        assert profiled["progress_percent"] == 100 and not profiled["has_errors"]
        result = profiled["result"]
        assert result["location"] == "Berlin" and "Python" in result["skills"] and result["suggested_titles"]

        resp = http.post("/api/workflow/job-search/from-profile",
                         json={"profile_id": result["profile_id"], "num_results": 5, "max_screening": 2})
        assert resp.status_code == 202, resp.text
        body = resp.json()
        assert body["job_titles"] == result["suggested_titles"] and body["job_titles_count"] == len(body["runs"])
        finished = [_wait_done(http, run["status_url"]) for run in body["runs"]]
        assert [f["status"] for f in finished] == ["completed"] * len(finished), (finished, workers.logs())
        assert all(f["workflow_type"] == "job_search" and f["result"]["location"] == "Berlin" for f in finished)
        assert sum(f["result"]["postings_found"] for f in finished) > 0  # the bundled sample feed has matches

        assert http.get("/api/workflow/status/no-such-run").status_code == 404
        big = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
        too_big = http.post("/api/workflow/profiling", content=big, headers={"Content-Type": "application/json"})
        assert too_big.status_code == 413 and too_big.json()["error"] == "request_entity_too_large"
        assert http.get("/").status_code == 404 and http.get("/workflow/status/x").status_code == 404


def test_dashboard_behind_basic_auth(stack: WebStack) -> None:
    url = f"{stack.caddy_url}/rq/"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, auth=(RQ_USER, "wrong")).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer test-token-0123456789abcdef"}).status_code == 401
    page = httpx.get(url, auth=(RQ_USER, RQ_PASSWORD))
    assert page.status_code == 200 and "<title>RQ dashboard</title>" in page.text
    script_src = page.headers["Content-Security-Policy"].split("script-src", 1)[1].split(";", 1)[0]
    assert "'sha256-" in script_src and "unsafe-inline" not in script_src, page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    empty = httpx.post(f"{stack.caddy_url}/rq/queue/default/queued/empty", auth=(RQ_USER, RQ_PASSWORD))
    assert empty.status_code == 403  # read-only even for the operator
