"""Issue 11, item 1: the dashboard's password cannot be bypassed, at any of the three layers.

The hole as reproduced: ``curl -H 'SCRIPT_NAME: /api' https://HOST/api/rq/0/data/jobs/...`` went through
Caddy's password-free ``/api/*`` route, gunicorn (which trusts 127.0.0.1 as a forwarder) took SCRIPT_NAME
from the header and routed the rest to ``/rq/...``, and the dashboard let the loopback peer in. Each layer
is tested here on its own with real processes: Caddy with the repository's Caddyfile, ``jobagent serve``
under gunicorn, Redis and PostgreSQL on loopback.
"""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path
from typing import Any

import httpx

from tests.servers import require_tool
from tests.web_stack import PROXY_SECRET, RQ_PASSWORD, RQ_USER, TOKEN, WebStack

AUTH = {"Authorization": f"Bearer {TOKEN}"}
SECRET_HEADER = "X-Jobagent-Dashboard-Secret"
JOBS = "/rq/0/data/jobs/default/queued/8/asc/1.json"


def _queue_a_search(base_url: str) -> str:
    """One queued task (no worker runs), so a leak of the dashboard's data would show its id."""
    resp = httpx.post(f"{base_url}/api/workflow/job-search", json={"query": "python", "location": "Berlin"},
                      headers=AUTH, timeout=30)
    assert resp.status_code == 202, resp.text
    return str(resp.json()["execution_id"])


def test_script_name_through_caddy_gets_no_dashboard_data(stack: WebStack) -> None:
    execution_id = _queue_a_search(stack.caddy_url)
    forged = [{"SCRIPT_NAME": "/api"}, {"script_name": "/api"}, {"SCRIPT_NAME": "/api", "PATH_INFO": JOBS},
              {"SCRIPT_NAME": "/api", SECRET_HEADER: PROXY_SECRET}]  # even a leaked secret is stripped on /api
    for headers in forged:
        resp = httpx.get(f"{stack.caddy_url}/api{JOBS}", headers=headers, timeout=30)
        # /api/rq/... is no route of the API: without the re-routing it is a plain 404 (it was a 200 with data).
        assert resp.status_code == 404 and resp.json()["error"] == "not_found", (headers, resp.text)
        assert execution_id not in resp.text and "jobs" not in resp.json()
        also_with_token = httpx.get(f"{stack.caddy_url}/api{JOBS}", headers={**headers, **AUTH}, timeout=30)
        assert also_with_token.status_code == 404 and execution_id not in also_with_token.text
    rerouted = httpx.get(f"{stack.caddy_url}/api/health", headers={"PATH_INFO": JOBS}, timeout=30)
    assert rerouted.status_code == 200 and rerouted.json()["status"] == "ok" and execution_id not in rerouted.text

    # Without the password /rq stays shut, with a forged proof too; with it, the operator sees the task.
    assert httpx.get(f"{stack.caddy_url}{JOBS}", headers={SECRET_HEADER: PROXY_SECRET}, timeout=30).status_code == 401
    operator = httpx.get(f"{stack.caddy_url}{JOBS}", auth=(RQ_USER, RQ_PASSWORD), timeout=30)
    assert operator.status_code == 200 and [j["id"] for j in operator.json()["jobs"]] == [execution_id]
    page = httpx.get(f"{stack.caddy_url}/rq/", auth=(RQ_USER, RQ_PASSWORD), timeout=30)
    assert page.status_code == 200 and "<title>RQ dashboard</title>" in page.text


def test_shim_alone_ignores_forwarder_headers_and_loopback(live: dict[str, str], tmp_path: Path) -> None:
    web = WebStack(live, tmp_path)
    try:
        base = web.start_shim(workers=1)
        execution_id = _queue_a_search(base)
        # Loopback is not an identity: the peer here is 127.0.0.1 and gets nothing without proof.
        for headers in ({}, {SECRET_HEADER: "wrong-secret-of-the-same-length-0123"}, {SECRET_HEADER: ""},
                        {"Authorization": "Bearer wrong"}):
            resp = httpx.get(f"{base}{JOBS}", headers=headers, timeout=30)
            assert resp.status_code == 401 and execution_id not in resp.text, headers
        for proof in ({SECRET_HEADER: PROXY_SECRET}, AUTH):
            resp = httpx.get(f"{base}{JOBS}", headers=proof, timeout=30)
            assert resp.status_code == 200 and [j["id"] for j in resp.json()["jobs"]] == [execution_id], proof
        # gunicorn takes SCRIPT_NAME / PATH_INFO from no header, even from the trusted 127.0.0.1 with the proof.
        with_proof = {SECRET_HEADER: PROXY_SECRET}
        resp = httpx.get(f"{base}/api{JOBS}", headers={**with_proof, "SCRIPT_NAME": "/api"}, timeout=30)
        assert resp.status_code == 404 and execution_id not in resp.text
        resp = httpx.get(f"{base}/health", headers={**with_proof, "PATH_INFO": JOBS}, timeout=30)
        assert resp.status_code == 200 and resp.json()["status"] == "ok"
    finally:
        web.stop()


class _HeaderEcho(http.server.BaseHTTPRequestHandler):
    """An upstream that records the request headers Caddy forwards."""

    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802  (the stdlib's naming)
        _HeaderEcho.seen.append({k.lower(): v for k, v in self.headers.items()})
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def test_caddy_strips_underscore_headers_and_sets_the_proof_only_after_basicauth(tmp_path: Path) -> None:
    require_tool("caddy", "caddy")
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HeaderEcho)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    _HeaderEcho.seen = []
    web = WebStack({}, tmp_path)
    web.shim_port = upstream.server_address[1]  # Caddy proxies to the echo server instead of the shim
    try:
        base = web.start_caddy()
        hostile = {"SCRIPT_NAME": "/api", "Path_Info": "/rq/", "X_Forwarded_Prefix": "/rq",
                   SECRET_HEADER: "forged-by-the-client-0123456789"}
        assert httpx.get(f"{base}/api/anything", headers=hostile, timeout=30).status_code == 200
        assert httpx.get(f"{base}/rq/", headers=hostile, timeout=30).status_code == 401  # basicauth first
        assert httpx.get(f"{base}/rq/", headers=hostile, auth=(RQ_USER, RQ_PASSWORD), timeout=30).status_code == 200
        api_seen, rq_seen = _HeaderEcho.seen  # the request without the password never reached the upstream
        assert not [name for name in {**api_seen, **rq_seen} if "_" in name], (api_seen, rq_seen)
        assert SECRET_HEADER.lower() not in api_seen
        assert rq_seen[SECRET_HEADER.lower()] == PROXY_SECRET, json.dumps(rq_seen)
        assert "authorization" not in rq_seen  # the dashboard password stays at Caddy
    finally:
        web.stop()
        upstream.shutdown()
        upstream.server_close()
