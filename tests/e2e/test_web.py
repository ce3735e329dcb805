"""The HTTP shim against real Redis and PostgreSQL: routes, errors, auth and the dashboard guard.

Most tests use Flask's test client on the real app (no mocks: the store and the queue are the session's
servers); one runs ``jobagent serve`` under gunicorn as an operator would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import func, select

from tests.servers import free_port
from tests.web_stack import CV_MARKDOWN, TOKEN, FileServer, WebStack

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _app_client(**overrides: Any) -> FlaskClient:
    from jobagent.config import get_settings
    from jobagent.web import create_app

    settings = get_settings().model_copy(update={"api_tokens": f"other-token,{TOKEN}", **overrides})
    return create_app(settings).test_client()


@pytest.fixture
def client(live: dict[str, str]) -> FlaskClient:
    return _app_client(allow_private_urls=True)


@pytest.fixture
def cv_server(tmp_path: Path) -> Iterator[FileServer]:
    (tmp_path / "cvs").mkdir()
    (tmp_path / "cvs" / "cv.md").write_text(CV_MARKDOWN)
    with FileServer(tmp_path / "cvs") as server:
        yield server


def _counts() -> tuple[int, int]:
    from jobagent.store.models import Run, WorkflowExecution
    from jobagent.store.session import session_scope

    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(Run)), s.scalar(select(func.count())
                                                                          .select_from(WorkflowExecution))


def _queued(redis_url: str) -> int:
    conn = Redis.from_url(redis_url)
    return sum(int(conn.llen(f"rq:queue:{name}")) for name in ("high", "default"))


def _profile(**fields: Any) -> str:
    from jobagent.store.models import UserProfile
    from jobagent.store.session import session_scope

    with session_scope() as s:
        p = UserProfile(name="Jane Doe", email="jane@example.com", **fields)
        s.add(p)
        s.flush()
        return p.id


def _profiling_body(url: str, **extra: Any) -> dict[str, Any]:
    return {"name": "Jane Doe", "email": "jane@example.com", "cv_urls": [url], **extra}


def test_profiling_is_accepted_recorded_and_queued(client: FlaskClient, cv_server: FileServer,
                                                   live: dict[str, str]) -> None:
    resp = client.post("/workflow/profiling", json=_profiling_body(cv_server.url("cv.md"), premium=True), headers=AUTH)
    assert resp.status_code == 202, resp.json
    body = resp.json
    assert {"run_id", "execution_id", "task_id", "status", "status_url", "estimated_completion_time"} <= set(body)
    assert body["status"] == "pending" and body["queue"] == "high" and body["task_id"] == body["execution_id"]
    assert body["status_url"] == f"/workflow/status/{body['run_id']}"
    assert _counts() == (1, 1)
    assert Redis.from_url(live["REDIS_URL"]).llen("rq:queue:high") == 1
    status = client.get(body["status_url"], headers=AUTH)
    assert status.status_code == 200
    assert status.json["run_id"] == body["run_id"] and status.json["status"] == "pending"
    assert status.json["task_status"] == "queued" and status.json["workflow_type"] == "profiling"


def test_api_prefix_serves_the_same_routes_and_links_back_through_it(client: FlaskClient,
                                                                    cv_server: FileServer) -> None:
    resp = client.post("/api/workflow/profiling", json=_profiling_body(cv_server.url("cv.md")), headers=AUTH)
    assert resp.status_code == 202
    assert resp.json["status_url"] == f"/api/workflow/status/{resp.json['run_id']}"
    assert client.get(resp.json["status_url"], headers=AUTH).json["execution_id"] == resp.json["execution_id"]
    assert client.get("/api/health").status_code == 200


def test_job_search_and_from_profile(client: FlaskClient) -> None:
    resp = client.post("/workflow/job-search", json={"query": "python developer", "location": "Berlin",
                                                      "num_results": 5, "max_screening": 2, "priority": "high"},
                       headers=AUTH)
    assert resp.status_code == 202, resp.json
    assert resp.json["workflow_type"] == "job_search" and resp.json["queue"] == "high"
    pid = _profile(location="Berlin", suggested_titles=["Backend Engineer", "Data Engineer"])
    resp = client.post("/workflow/job-search/from-profile", json={"profile_id": pid, "num_results": 3}, headers=AUTH)
    assert resp.status_code == 202, resp.json
    body = resp.json
    assert body["profile_id"] == pid and body["location"] == "Berlin" and body["job_titles_count"] == 2
    assert body["job_titles"] == ["Backend Engineer", "Data Engineer"]
    assert [r["job_title"] for r in body["runs"]] == body["job_titles"]
    assert all(r["status"] == "pending" and r["status_url"].endswith(r["run_id"]) for r in body["runs"])
    assert _counts() == (3, 3)


def test_job_search_radius(client: FlaskClient, live: dict[str, str]) -> None:
    from jobagent.store.models import Run
    from jobagent.store.session import session_scope

    for bad in (0, -5, 1e9, "far"):  # no distance: refused with nothing stored
        resp = client.post("/workflow/job-search", json={"query": "python", "location": "Leeds", "radius_km": bad},
                           headers=AUTH)
        assert resp.status_code == 422 and "radius_km" in resp.json["detail"], resp.json
    assert _counts() == (0, 0)
    resp = client.post("/workflow/job-search", json={"query": "python", "location": "Leeds", "radius_km": 70},
                       headers=AUTH)
    assert resp.status_code == 202, resp.json
    with session_scope() as s:
        assert s.get(Run, resp.json["run_id"]).params["radius_km"] == 70.0  # type: ignore[union-attr]


def test_search_filters_and_from_profile_radius_over_http(client: FlaskClient, live: dict[str, str]) -> None:
    """Issue 24 §4/§6 over HTTP: the CLI's --type, --min-salary and other filters, and the radius on
    from-profile; a bad value is refused before anything is stored."""
    from jobagent.store.models import Run
    from jobagent.store.session import session_scope

    base = {"query": "elektroniker", "location": "München"}
    for filters, status, field in (({"employment_types": ["astronaut"]}, 400, "employment_types"),
                                   ({"min_salary": -1}, 422, "min_salary"), ({"bogus": True}, 422, "bogus"),
                                   ({"max_age_days": "7"}, 422, "max_age_days")):
        resp = client.post("/workflow/job-search", json={**base, "filters": filters}, headers=AUTH)
        assert resp.status_code == status and field in resp.json["detail"], resp.json
    assert _counts() == (0, 0)
    wanted = {"employment_types": ["Ausbildung", "apprenticeship"], "min_salary": 30000,
              "company_blocklist": ["Initech"], "remote_only": False}
    resp = client.post("/workflow/job-search", json={**base, "filters": wanted}, headers=AUTH)
    assert resp.status_code == 202, resp.json
    with session_scope() as s:
        params = s.get(Run, resp.json["run_id"]).params  # type: ignore[union-attr]
    assert params["filters"] == {"employment_types": ["apprenticeship"], "min_salary": 30000.0,
                                 "company_blocklist": ["Initech"]}

    pid = _profile(location="Leeds", suggested_titles=["Mathematics Teacher", "Teacher of Mathematics"])
    resp = client.post("/workflow/job-search/from-profile", headers=AUTH,
                       json={"profile_id": pid, "radius_km": 25, "filters": {"employment_types": ["part_time"]}})
    assert resp.status_code == 202, resp.json
    with session_scope() as s:
        stored = [s.get(Run, r["run_id"]).params for r in resp.json["runs"]]  # type: ignore[union-attr]
    assert [(p["radius_km"], p["filters"]) for p in stored] == [(25.0, {"employment_types": ["part_time"]})] * 2
    resp = client.post("/workflow/job-search/from-profile", json={"profile_id": pid, "radius_km": 0}, headers=AUTH)
    assert resp.status_code == 422 and "radius_km" in resp.json["detail"]


@pytest.mark.parametrize(("payload", "status", "error"), [
    ({"email": "jane@example.com", "cv_urls": ["http://127.0.0.1/cv.md"]}, 422, "invalid_request"),  # no name
    ({"name": "Jane", "email": "not-an-email", "cv_urls": ["http://127.0.0.1/cv.md"]}, 400, "invalid_input"),
    ({"name": "Jane", "email": "jane@example.com", "cv_urls": "http://127.0.0.1/cv.md"}, 422, "invalid_request"),
    ({"name": "Jane", "email": "jane@example.com", "cv_urls": ["http://127.0.0.1/cv.md"], "premium": "yes"},
     422, "invalid_request"),
    ({"name": "Jane", "email": "jane@example.com", "cv_urls": ["http://127.0.0.1/cv.md"], "admin": True},
     422, "invalid_request"),  # unknown field
    ({"name": "Jane", "email": "jane@example.com", "cv_urls": []}, 422, "invalid_request"),
    ({"name": "Jane", "email": "jane@example.com", "cv_urls": ["/etc/passwd"]}, 400, "invalid_input"),
    ({"name": "Jane", "email": "jane@example.com", "cv_urls": ["file:///etc/passwd"]}, 400, "invalid_input"),
])
def test_invalid_profiling_bodies_store_nothing(client: FlaskClient, live: dict[str, str], payload: dict[str, Any],
                                                status: int, error: str) -> None:
    resp = client.post("/workflow/profiling", json=payload, headers=AUTH)
    assert resp.status_code == status, resp.json
    assert resp.json["error"] == error and resp.json["detail"]
    assert _counts() == (0, 0) and _queued(live["REDIS_URL"]) == 0


@pytest.mark.parametrize("url", ["http://10.0.0.7/cv.pdf", "http://169.254.169.254/latest/meta-data/",
                                 "http://127.0.0.1:9/cv.md", "http://[fe80::1]/cv.md", "http://192.168.1.2/cv"])
def test_private_and_link_local_cv_urls_are_refused(live: dict[str, str], url: str) -> None:
    client = _app_client(allow_private_urls=False)
    resp = client.post("/workflow/profiling", json=_profiling_body(url), headers=AUTH)
    assert resp.status_code == 400, resp.json
    assert resp.json["error"] == "invalid_input" and "refused URL" in resp.json["detail"]
    assert _counts() == (0, 0)


def test_malformed_and_oversized_bodies(client: FlaskClient, live: dict[str, str]) -> None:
    resp = client.post("/workflow/profiling", data=b"{not json", headers=AUTH, content_type="application/json")
    assert resp.status_code == 400 and resp.json["error"] == "invalid_json"
    resp = client.post("/workflow/profiling", data=b"[1, 2]", headers=AUTH, content_type="application/json")
    assert resp.status_code == 422 and resp.json["error"] == "invalid_request"
    resp = client.post("/workflow/job-search", json={"query": "x", "location": "Berlin", "num_results": "5"},
                       headers=AUTH)
    assert resp.status_code == 422 and "num_results" in resp.json["detail"]
    big = json.dumps(_profiling_body("http://example.com/cv.md", location="x" * (1024 * 1024)))
    resp = client.post("/workflow/profiling", data=big, headers=AUTH, content_type="application/json")
    assert resp.status_code == 413 and resp.json["error"] == "request_entity_too_large"
    assert _counts() == (0, 0)


def test_unknown_ids_and_unsearchable_profiles(client: FlaskClient) -> None:
    resp = client.get("/workflow/status/00000000-0000-0000-0000-000000000000", headers=AUTH)
    assert resp.status_code == 404 and resp.json["error"] == "not_found"
    resp = client.post("/workflow/job-search/from-profile", json={"profile_id": "nope"}, headers=AUTH)
    assert resp.status_code == 404 and "nope" in resp.json["detail"]
    resp = client.post("/workflow/job-search", json={"query": "python", "profile_id": "nope"}, headers=AUTH)
    assert resp.status_code == 404
    no_titles = _profile(location="Berlin", suggested_titles=[])
    resp = client.post("/workflow/job-search/from-profile", json={"profile_id": no_titles}, headers=AUTH)
    assert resp.status_code == 400 and "titles" in resp.json["detail"]
    resp = client.post("/workflow/job-search", json={"query": "python"}, headers=AUTH)  # no location anywhere
    assert resp.status_code == 400 and "location" in resp.json["detail"]
    assert _counts() == (0, 0)
    assert client.get("/no/such/route", headers=AUTH).json["error"] == "not_found"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": "Bearer "}, {"Authorization": f"Bearer {TOKEN}x"}])
def test_bad_or_missing_tokens_get_401(client: FlaskClient, headers: dict[str, str]) -> None:
    for method, path in [("post", "/workflow/profiling"), ("post", "/api/workflow/job-search"),
                         ("get", "/workflow/status/x")]:
        resp = getattr(client, method)(path, json={}, headers=headers)
        assert resp.status_code == 401, (path, resp.json)
        assert resp.json["error"] == "unauthorized" and resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert _counts() == (0, 0)


def test_no_configured_tokens_means_closed(live: dict[str, str]) -> None:
    client = _app_client(api_tokens="")
    assert client.post("/workflow/profiling", json={}, headers={"Authorization": "Bearer "}).status_code == 401
    assert client.get("/health").status_code == 200


# Issue 11: this test used to assert that a loopback peer gets the dashboard without proof, which is the hole
# (behind Caddy every peer is loopback). Now: Caddy's proof of basic auth or a bearer token, from any peer.
PROXY = {"X-Jobagent-Dashboard-Secret": "the-proxy-secret-0123456789"}


def test_dashboard_needs_caddys_proof_or_a_token_and_is_read_only(live: dict[str, str]) -> None:
    client = _app_client(allow_private_urls=True, dashboard_proxy_secret=PROXY["X-Jobagent-Dashboard-Secret"])
    sub = client.post("/workflow/job-search", json={"query": "python", "location": "Berlin"}, headers=AUTH).json
    assert client.get("/rq/").status_code == 401  # the test client's peer is 127.0.0.1
    page = client.get("/rq/", headers=PROXY)
    assert page.status_code == 200 and b"<title>RQ dashboard</title>" in page.data
    queues = client.get("/rq/0/data/queues.json", headers=PROXY)
    assert {q["name"]: q["count"] for q in queues.json["queues"]} == {"default": 1}
    jobs = client.get("/rq/0/data/jobs/default/queued/10/asc/1.json", headers=PROXY)  # JSON, not pickle
    assert jobs.status_code == 200 and [j["id"] for j in jobs.json["jobs"]] == [sub["execution_id"]]
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/rq/", environ_base=remote).status_code == 401
    assert client.get("/rq/", environ_base=remote, headers=AUTH).status_code == 200
    assert client.get("/rq/", headers={"X-Jobagent-Dashboard-Secret": "the-proxy-secret-012345678"}).status_code == 401
    # Without Caddy (SSH tunnel, jobagent dev) a browser logs in with an API token as the basic-auth password.
    prompt = client.get("/rq/", environ_base=remote)
    assert prompt.headers["WWW-Authenticate"].startswith("Basic realm=") and prompt.json["error"] == "unauthorized"
    assert client.get("/rq/", environ_base=remote, auth=("anyone", TOKEN)).status_code == 200
    assert client.get("/rq/", environ_base=remote, auth=("anyone", TOKEN[:-1])).status_code == 401
    for path in ["/rq/queue/default/queued/empty", "/rq/job/x/delete", "/rq/job/x/requeue",
                 "/rq/queue/default/compact"]:
        resp = client.post(path, headers=PROXY)
        assert resp.status_code == 403 and resp.json["error"] == "forbidden", path
    assert client.get("/rq/requeue/default", headers=PROXY).status_code == 403


def test_dashboard_ignores_a_short_or_missing_proxy_secret(live: dict[str, str]) -> None:
    for secret in ("", "unset", "short-secret"):  # "unset" is what the Caddyfile sends when none is configured
        client = _app_client(dashboard_proxy_secret=secret)
        assert client.get("/rq/", headers={"X-Jobagent-Dashboard-Secret": secret}).status_code == 401, secret
        assert client.get("/rq/", headers=AUTH).status_code == 200


def test_redis_down_is_503_and_nothing_is_written(env: Callable[..., dict[str, str]], clean_pg: str) -> None:
    env(database_url=clean_pg, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    client = _app_client(allow_private_urls=True)
    health = client.get("/health")
    assert health.status_code == 503 and health.json["redis"].startswith("down") and health.json["database"] == "ok"
    resp = client.post("/workflow/profiling", json=_profiling_body("http://127.0.0.1:1/cv.md"), headers=AUTH)
    assert resp.status_code == 503 and resp.json["error"] == "unavailable"
    resp = client.post("/workflow/job-search", json={"query": "python", "location": "Berlin"}, headers=AUTH)
    assert resp.status_code == 503
    assert _counts() == (0, 0)


def test_postgres_down_is_503_and_nothing_is_queued(env: Callable[..., dict[str, str]], clean_redis: str) -> None:
    env(database_url=f"postgresql+psycopg://jobagent@127.0.0.1:{free_port()}/nothing", redis_url=clean_redis)
    client = _app_client(allow_private_urls=True)
    health = client.get("/health")
    assert health.status_code == 503 and health.json["database"].startswith("down") and health.json["redis"] == "ok"
    resp = client.post("/workflow/profiling", json=_profiling_body("http://127.0.0.1:1/cv.md"), headers=AUTH)
    assert resp.status_code == 503 and resp.json["error"] == "unavailable", resp.json
    assert client.get("/workflow/status/abc", headers=AUTH).status_code == 503
    assert _queued(clean_redis) == 0


def test_serve_runs_gunicorn_on_loopback(live: dict[str, str], tmp_path: Path) -> None:
    stack = WebStack(live, tmp_path)
    try:
        url = stack.start_shim(workers=2)
        with stack.client(url) as http:
            assert http.get("/health").json()["status"] == "ok"
            assert http.post("/workflow/job-search", json={"query": "python", "location": "Berlin"}).status_code == 202
        assert httpx.post(f"{url}/workflow/job-search", json={}).status_code == 401
        assert "Booting worker" in stack.logs() and "127.0.0.1" in stack.logs()
    finally:
        stack.stop()
    assert _counts() == (1, 1)
