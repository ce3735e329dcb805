"""The submit routes' WSGI fast path (``jobagent.web.submit_wsgi``) against Flask's own routes.

Both doors run on the real app with the session's Redis and PostgreSQL. A request with a
``Content-Length`` takes the fast path; the same request sent chunked (no length) goes to Flask's route.
Flask's ``request_started`` signal tells which door answered: Flask sends it for every request it
dispatches, the fast path for none.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask, request_started
from redis import Redis
from werkzeug.test import EnvironBuilder, TestResponse, run_wsgi_app

from tests.web_stack import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}
PROFILING = {"name": "Jane Doe", "email": "jane@example.com", "cv_urls": ["http://127.0.0.1:1/cv.md"],
             "location": "Berlin"}
SEARCH = {"query": "python developer", "location": "Berlin", "num_results": 5, "priority": "high"}
IDS = ("run_id", "execution_id", "task_id")


@pytest.fixture
def app(live: dict[str, str]) -> Flask:
    from jobagent.config import get_settings
    from jobagent.web import create_app

    return create_app(get_settings().model_copy(update={"api_tokens": TOKEN, "allow_private_urls": True}))


@contextmanager
def _flask_dispatches(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(sender: Flask, **_: Any) -> None:
        from flask import request

        seen.append(request.path)

    request_started.connect(record, app)
    try:
        yield seen
    finally:
        request_started.disconnect(record, app)


def _post(app: Flask, path: str, body: bytes, *, chunked: bool = False, mount: str = "",
          headers: dict[str, str] | None = None) -> TestResponse:
    builder = EnvironBuilder(path=path, base_url=f"http://localhost{mount}/", method="POST", data=body,
                             headers=list((AUTH if headers is None else headers).items()),
                             content_type="application/json")
    environ = builder.get_environ()
    if chunked:  # what gunicorn hands over for ``Transfer-Encoding: chunked``: no length, a terminated stream
        environ.pop("CONTENT_LENGTH", None)
        environ["wsgi.input_terminated"] = True
    else:  # werkzeug leaves it out for an empty body; a client sends "0"
        environ["CONTENT_LENGTH"] = str(len(body))
    body_iter, status, response_headers = run_wsgi_app(app, environ)
    return TestResponse(body_iter, status, response_headers, request=builder.get_request())


def _shape(raw: bytes) -> list[tuple[str, Any]]:
    """The answer with its ids and time stamp blanked, keys in order: what must be equal through both doors."""
    parsed = json.loads(raw)
    return [(k, "ID" if k in IDS else "TIME" if k == "estimated_completion_time" else
             v.replace(parsed["run_id"], "ID") if k == "status_url" else v) for k, v in parsed.items()]


@pytest.mark.parametrize("route", ["/workflow/profiling", "/workflow/job-search"])
@pytest.mark.parametrize(("door", "mount"), [("", ""), ("/api", ""), ("", "/mounted"), ("/api", "/mounted")])
def test_fast_path_answers_byte_for_byte_as_flasks_route(app: Flask, live: dict[str, str], route: str, door: str,
                                                         mount: str) -> None:
    body = json.dumps(PROFILING if route.endswith("profiling") else SEARCH).encode()
    with _flask_dispatches(app) as dispatched:
        fast = _post(app, f"{door}{route}", body, mount=mount)
        assert dispatched == []  # the fast path answered
        slow = _post(app, f"{door}{route}", body, mount=mount, chunked=True)
        assert dispatched == [f"{door}{route}"]  # Flask's route answered
    for resp in (fast, slow):
        assert resp.status == "202 ACCEPTED", resp.data
        assert resp.headers["Content-Type"] == "application/json"
        assert int(resp.headers["Content-Length"]) == len(resp.data)
        assert resp.data == json.dumps(json.loads(resp.data), separators=(",", ":")).encode() + b"\n"
        assert resp.json is not None
        assert resp.json["status_url"] == f"{mount}{door}/workflow/status/{resp.json['run_id']}"
    assert _shape(fast.data) == _shape(slow.data)
    assert fast.json is not None and slow.json is not None and fast.json["run_id"] != slow.json["run_id"]
    queue = "high" if route.endswith("search") else "default"
    listed = Redis.from_url(live["REDIS_URL"]).lrange(f"rq:queue:{queue}", 0, -1)
    queued = {raw.decode() if isinstance(raw, bytes) else raw for raw in listed}
    assert queued == {fast.json["execution_id"], slow.json["execution_id"]}


@pytest.mark.parametrize(("method", "path", "headers", "status", "error"), [
    ("POST", "/workflow/profiling", {}, 401, "unauthorized"),  # no token: the fast path never reads the body
    ("POST", "/workflow/profiling", {"Authorization": "Bearer wrong-token"}, 401, "unauthorized"),
    ("POST", "/workflow/profiling", {"Authorization": f"Basic {TOKEN}"}, 401, "unauthorized"),
    ("GET", "/workflow/profiling", AUTH, 405, "method_not_allowed"),
    ("POST", "/workflow/profiling/", AUTH, 404, "not_found"),
    ("POST", "/api/workflow/job-search/", AUTH, 404, "not_found"),
])
def test_requests_it_does_not_take_reach_flask(app: Flask, live: dict[str, str], method: str, path: str,
                                               headers: dict[str, str], status: int, error: str) -> None:
    with _flask_dispatches(app) as dispatched, app.test_client() as client:
        resp = client.open(path, method=method, json=PROFILING, headers=headers)
        assert dispatched == [path]
    assert resp.status_code == status and resp.json is not None and resp.json["error"] == error, resp.data
    if status == 401:
        assert resp.headers["WWW-Authenticate"] == 'Bearer realm="jobagent"'
    assert Redis.from_url(live["REDIS_URL"]).llen("rq:queue:default") == 0


@pytest.mark.parametrize(("body", "status", "error"), [
    (b"{not json", 400, "invalid_json"),
    (b"", 400, "invalid_json"),
    (json.dumps({**PROFILING, "admin": True}).encode(), 422, "invalid_request"),
    (json.dumps({**PROFILING, "cv_urls": ["/etc/passwd"]}).encode(), 400, "invalid_input"),
    (json.dumps({**PROFILING, "email": "not-an-email"}).encode(), 400, "invalid_input"),
])
def test_errors_after_the_body_was_read_are_flasks_answers(app: Flask, live: dict[str, str], body: bytes,
                                                           status: int, error: str) -> None:
    """The fast path read the body, then failed: Flask's error handlers answer for this very request (as
    any route's error), and the chunked request through Flask's route gets the same answer."""
    answers = [_post(app, "/workflow/profiling", body, chunked=chunked) for chunked in (False, True)]
    for resp in answers:
        assert resp.status_code == status and resp.json is not None and resp.json["error"] == error, resp.data
    assert answers[0].data == answers[1].data
    assert Redis.from_url(live["REDIS_URL"]).llen("rq:queue:default") == 0


def test_a_body_over_the_cap_is_flasks_413_and_never_read(live: dict[str, str]) -> None:
    from jobagent.config import get_settings
    from jobagent.web import create_app

    app = create_app(get_settings().model_copy(update={"api_tokens": TOKEN, "web_max_body_bytes": 100}))
    body = json.dumps(PROFILING).encode()
    assert len(body) > 100
    with _flask_dispatches(app) as dispatched:
        resp = _post(app, "/workflow/profiling", body)
    assert dispatched == ["/workflow/profiling"]
    assert resp.status_code == 413 and resp.json is not None and resp.json["error"] == "request_entity_too_large"
